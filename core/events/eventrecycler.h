#pragma once

// Events given back by a streaming consumer once it is done with a batch, for the readers to fill
// again: their field list and value buffer keep their capacity, so that reading the next batch
// allocates (almost) nothing. Allocating and freeing two buffers per event was ~13 % of `sigmawb
// match` (perf: _int_malloc, unlink_chunk, malloc_consolidate, _int_free).
//
//   sigma::EventRecycler recycler;
//   options.recycler = &recycler;      // ReadOptions: the reader takes events from it
//   ... consume(batch); recycler.giveBack(batch);
//
// Thread-safe: decoding threads take, the consuming thread gives back.

#include "events/event.h"

#include <cstddef>
#include <mutex>
#include <vector>

namespace sigma {

class EventRecycler {
public:
    /// At most `capacity` events are kept; more given back are freed.
    explicit EventRecycler(std::size_t capacity = 8192)
        : m_capacity(capacity)
    {}

    /// Moves the events of `batch` into the recycler (emptied, buffers kept) and clears `batch`.
    void giveBack(std::vector<Event>& batch)
    {
        for (Event& e : batch)
            reset(e);
        {
            const std::lock_guard lock(m_mutex);
            for (Event& e : batch) {
                if (m_events.size() >= m_capacity)
                    break;
                // Not moved out, and of a usual size: an event keeps its largest buffers, so that
                // a few huge events would otherwise make every recycled one huge.
                if (e.fields.capacity() > 0 && e.fields.capacity() <= kMaxFields && e.textCapacity() <= kMaxText)
                    m_events.push_back(std::move(e));
            }
        }
        batch.clear();
    }

    /// Moves up to `count` empty events into `out` (appended); fewer when there are fewer.
    void take(std::vector<Event>& out, std::size_t count)
    {
        const std::lock_guard lock(m_mutex);
        const std::size_t n = std::min(count, m_events.size());
        for (std::size_t i = 0; i < n; ++i) {
            out.push_back(std::move(m_events.back()));
            m_events.pop_back();
        }
    }

    std::size_t size() const
    {
        const std::lock_guard lock(m_mutex);
        return m_events.size();
    }

    /// As a new event, keeping the capacity of its buffers.
    static void reset(Event& e)
    {
        e.clear();
        e.origin = {};
        e.names.reset();
        e.originalXml.reset();
    }

private:
    static constexpr std::size_t kMaxFields = 64;
    static constexpr std::size_t kMaxText = 2048;

    const std::size_t m_capacity;
    mutable std::mutex m_mutex;
    std::vector<Event> m_events;
};

} // namespace sigma
