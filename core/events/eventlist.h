#pragma once

// The events of a workbench session, in order, kept as segments that lists share: loading more
// files makes a new list holding the old list's segments and one new segment, so the events
// already loaded are neither copied nor moved (a copy held both lists at once: 1M events loaded
// twice over). A copy of a list shares its segments; a list changed after being copied writes to
// a segment of its own, never to one another list sees. Events in a shared segment never move:
// a pointer or reference to one stays valid while a list holds its segment.
#include "events/event.h"

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <memory>
#include <span>
#include <stdexcept>
#include <vector>

namespace sigma {

class EventList {
public:
    using value_type = Event;
    using size_type = std::size_t;
    using difference_type = std::ptrdiff_t;
    using reference = const Event&;
    using const_reference = const Event&;

    EventList() = default;
    /// One segment holding `events` (moved in, not copied, from an rvalue).
    explicit EventList(std::vector<Event> events) { append(std::move(events)); }
    template <std::input_iterator It>
    EventList(It first, It last)
    {
        append(std::vector<Event>(first, last));
    }

    std::size_t size() const { return m_ends.empty() ? 0 : m_ends.back(); }
    bool empty() const { return size() == 0; }
    const Event& operator[](std::size_t i) const
    {
        if (m_segments.size() == 1) [[likely]]
            return (*m_segments.front())[i];
        const std::size_t s = segmentOf(i);
        return (*m_segments[s])[i - begins(s)];
    }
    const Event& at(std::size_t i) const
    {
        if (i >= size())
            throw std::out_of_range("EventList::at");
        return (*this)[i];
    }
    const Event& front() const { return (*this)[0]; }
    const Event& back() const { return (*this)[size() - 1]; }

    /// A list viewing `events` without copying them, for a call that takes a list: it must not
    /// outlive `events`, and changing it never changes them.
    static EventList borrow(const std::vector<Event>& events)
    {
        EventList list;
        if (!events.empty()) {
            // An aliasing pointer that owns nothing; never written through (m_lastOwned is false).
            list.m_segments.emplace_back(std::shared_ptr<void>(), const_cast<std::vector<Event>*>(&events));
            list.m_ends.push_back(events.size());
        }
        return list;
    }

    /// The segments, in order: for work done a contiguous block at a time (std::span).
    std::size_t segmentCount() const { return m_segments.size(); }
    std::span<const Event> segment(std::size_t s) const { return *m_segments[s]; }

    /// Appends `events` as a new segment (nothing is copied).
    void append(std::vector<Event>&& events)
    {
        if (events.empty())
            return;
        const std::size_t end = size() + events.size();
        m_segments.push_back(std::make_shared<std::vector<Event>>(std::move(events)));
        m_ends.push_back(end);
        m_lastOwned = true;
    }
    /// Appends the events of `other`, sharing its segments (nothing is copied).
    void append(const EventList& other)
    {
        for (const auto& s : other.m_segments) {
            m_segments.push_back(s);
            m_ends.push_back(size() + s->size());
            m_lastOwned = false;
        }
    }
    void push_back(Event event)
    {
        ownLastSegment().push_back(std::move(event));
        ++m_ends.back();
    }

    class const_iterator {
    public:
        using iterator_category = std::random_access_iterator_tag;
        using value_type = Event;
        using difference_type = std::ptrdiff_t;
        using pointer = const Event*;
        using reference = const Event&;

        const_iterator() = default;
        reference operator*() const { return *m_at; }
        pointer operator->() const { return m_at; }
        reference operator[](difference_type n) const { return (*m_list)[std::size_t(difference_type(m_index) + n)]; }
        const_iterator& operator++()
        {
            ++m_index;
            if (++m_at == m_segmentEnd)
                locate();
            return *this;
        }
        const_iterator operator++(int)
        {
            const_iterator old = *this;
            ++*this;
            return old;
        }
        const_iterator& operator--() { return *this -= 1; }
        const_iterator operator--(int)
        {
            const_iterator old = *this;
            --*this;
            return old;
        }
        const_iterator& operator+=(difference_type n)
        {
            m_index = std::size_t(difference_type(m_index) + n);
            locate();
            return *this;
        }
        const_iterator& operator-=(difference_type n) { return *this += -n; }
        friend const_iterator operator+(const_iterator i, difference_type n) { return i += n; }
        friend const_iterator operator+(difference_type n, const_iterator i) { return i += n; }
        friend const_iterator operator-(const_iterator i, difference_type n) { return i -= n; }
        friend difference_type operator-(const const_iterator& a, const const_iterator& b)
        {
            return difference_type(a.m_index) - difference_type(b.m_index);
        }
        friend bool operator==(const const_iterator& a, const const_iterator& b) { return a.m_index == b.m_index; }
        friend auto operator<=>(const const_iterator& a, const const_iterator& b) { return a.m_index <=> b.m_index; }

    private:
        friend class EventList;
        const_iterator(const EventList* list, std::size_t index)
            : m_list(list)
            , m_index(index)
        {
            locate();
        }
        void locate()
        {
            if (!m_list || m_index >= m_list->size()) {
                m_at = m_segmentEnd = nullptr;
                return;
            }
            const std::size_t s = m_list->segmentOf(m_index);
            const auto& segment = *m_list->m_segments[s];
            m_at = segment.data() + (m_index - m_list->begins(s));
            m_segmentEnd = segment.data() + segment.size();
        }

        const EventList* m_list = nullptr;
        std::size_t m_index = 0;
        const Event* m_at = nullptr;
        const Event* m_segmentEnd = nullptr;
    };
    using iterator = const_iterator;

    const_iterator begin() const { return const_iterator(this, 0); }
    const_iterator end() const { return const_iterator(this, size()); }

private:
    std::size_t begins(std::size_t s) const { return s == 0 ? 0 : m_ends[s - 1]; }
    std::size_t segmentOf(std::size_t i) const
    {
        return std::size_t(std::upper_bound(m_ends.begin(), m_ends.end(), i) - m_ends.begin());
    }
    /// The last segment, when no other list shares it; else a new one.
    std::vector<Event>& ownLastSegment()
    {
        if (m_segments.empty() || !m_lastOwned || m_segments.back().use_count() != 1) {
            m_segments.push_back(std::make_shared<std::vector<Event>>());
            m_ends.push_back(size());
            m_lastOwned = true;
        }
        return *m_segments.back();
    }

    std::vector<std::shared_ptr<std::vector<Event>>> m_segments;
    std::vector<std::size_t> m_ends; ///< one past each segment's last event, as a list index
    bool m_lastOwned = false;        ///< the last segment was made by this list (not borrowed or appended)
};

using EventListPtr = std::shared_ptr<const EventList>;

} // namespace sigma
