// Op-by-op profiling with libtorch's legacy autograd profiler: the profiler PyTorch 1.13's
// torch.autograd.profiler.profile() uses when libtorch is built without Kineto (Debian's is), so a trace of ours and
// one of PyTorch's on the same libtorch time the same ops with the same instrumentation (issue 12).
//
// Not RecordProfile: its destructor logs and swallows every error (an unwritable path, a mismatched event), and here
// a failure must reach .NET as an exception like any other. The steps are RecordProfile's own: enable the profiler
// on this thread, disable it, write the events as chrome-trace JSON ("ph": "X" events with inclusive durations).
#include "shim.h"
#include <fstream>
#include <memory>
#include <torch/csrc/autograd/profiler_legacy.h>

namespace prof = torch::autograd::profiler;

// The file the trace goes to; opened at begin so a bad path fails before any work is profiled.
typedef std::ofstream* Profile;

// Starts recording every op this thread runs (and work it hands to at::launch). The profiler state is thread-local:
// rt_profile_end must run on the same thread, and only one profile can be open per thread.
EXPORT Profile rt_profile_begin(const char* path) {
    Profile result = nullptr;
    CATCH(
        auto file = std::make_unique<std::ofstream>(path);
        TORCH_CHECK(file->good(), "cannot open ", path, " for writing");
        prof::enableProfilerLegacy(torch::profiler::impl::ProfilerConfig(torch::profiler::impl::ProfilerState::CPU));
        result = file.release();
    )
    return result;
}

// Stops recording, writes the trace and closes the file; the handle is freed even when writing fails.
EXPORT void rt_profile_end(Profile profile) {
    CATCH(
        TORCH_CHECK(profile != nullptr, "no profile to end (rt_profile_begin failed, or it was ended already)");
        std::unique_ptr<std::ofstream> file(profile);
        prof::thread_event_lists lists = prof::disableProfilerLegacy();
        std::vector<prof::LegacyEvent*> events;
        for (auto& list : lists)
            for (auto& event : list) events.push_back(&event);
        prof::writeProfilerEventsToStream(*file, events);
        file->close();
        TORCH_CHECK(!file->fail(), "could not write the profile");
    )
}
