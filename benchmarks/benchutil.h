#pragma once

#include <sys/resource.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace sigmabench {

/// The reference corpus (../shared or $SIGMA_SHARED_DIR); empty path when absent.
inline std::filesystem::path sharedDir()
{
    const char* env = std::getenv("SIGMA_SHARED_DIR");
    std::filesystem::path p = env && *env ? env : SIGMA_SHARED_DIR_DEFAULT;
    return std::filesystem::is_directory(p) ? p : std::filesystem::path();
}

/// CPU time of the whole process (all threads), in ms: on a loaded machine the wall clock says more
/// about the other processes than about us.
inline double cpuMs()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return (static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1000.0) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1000.0;
}

class Stopwatch {
public:
    double seconds() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count(); }
    double ms() const { return seconds() * 1000.0; }
    void restart() { m_start = std::chrono::steady_clock::now(); }

private:
    std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
};

} // namespace sigmabench
