"""What a paused run of section 6 keeps: numbers, not a graph (issue 26 item 15: 64 tabs paused after one
slow-motion phase of the largest network held 306 MB, a whole graph each)."""

import gc
import tracemalloc

from micrograd_lesson.app.sections.live_training import LiveRun, Settings


def test_a_run_paused_at_any_phase_of_a_slow_motion_step_holds_little_more_than_a_new_one():
    warm = LiveRun(Settings())  # what the first run loads once (modules, caches) is not the run's
    for _ in range(5):
        warm.phase()
    gc.collect()
    tracemalloc.start()
    try:
        run = LiveRun(Settings())
        new = tracemalloc.get_traced_memory()[0]
        for phase in ("forward", "loss", "backprop", "update"):  # each held the graph: 1.3 MB and more
            assert run.phase()["name"] == phase
            gc.collect()
            assert tracemalloc.get_traced_memory()[0] < 2 * new, phase
    finally:
        tracemalloc.stop()
