#pragma once

// Small helpers shared by the event tests (header only): Qt text of events and diagnostics.
#include "events/event.h"
#include "events/reader.h"

#include <QString>
#include <QStringList>

#include <string_view>

namespace eventtest {

inline QString toQ(const char* s)
{
    return QString::fromUtf8(s);
}
inline QString toQ(const QString& s)
{
    return s;
}
/// A QStringList of UTF-8 literals and QStrings.
template <typename... T>
QStringList L(const T&... items)
{
    return QStringList{toQ(items)...};
}

inline QString str(std::string_view s)
{
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

/// Every value of the field, in order.
inline QStringList values(const sigma::Event& e, std::string_view name)
{
    QStringList out;
    for (const std::string_view v : e.values(name))
        out << str(v);
    return out;
}

/// "Name=value" lines of an event, in order: what must be identical across renderings.
inline QStringList fieldLines(const sigma::Event& e)
{
    QStringList lines;
    for (const auto& f : e.fields)
        lines << str(sigma::FieldNames::text(f.name)) + QLatin1Char('=') + str(e.text(f));
    return lines;
}

inline QString diagnosticsText(const sigma::ReadResult& r)
{
    QStringList out;
    for (const auto& d : r.diagnostics)
        out << QString::fromStdString(d.format());
    return out.join(QLatin1Char('\n'));
}

} // namespace eventtest
