"""Does running a function under a hook leave the hook that was there before, and show the hook nothing of the grader?"""

from __future__ import annotations

import sys

import pytest

from cnnlib.grading.hooks import run_hooked


@pytest.mark.parametrize("profile", [False, True], ids=["trace", "profile"])
def test_the_previous_hook_is_back_even_when_the_function_raises(profile: bool) -> None:
    """After a function that raises, is the hook in place before (a debugger's, say) in place again?"""
    get, put = (sys.getprofile, sys.setprofile) if profile else (sys.gettrace, sys.settrace)

    def outer(frame, event, arg):
        return None

    def broken() -> None:
        raise KeyError("inside")

    previous = get()
    put(outer)
    try:
        with pytest.raises(KeyError, match="inside"):
            run_hooked(broken, (), lambda frame, event, arg: None, profile=profile)
        assert get() is outer
    finally:
        put(previous)


def test_the_profiler_sees_the_students_calls_and_no_frame_of_the_grader() -> None:
    """Are the only Python calls the profiler reports the student's function and what it calls?"""
    called: list[str] = []

    def helper() -> int:
        return 1

    def student() -> int:
        return helper() + 1

    def profile(frame, event, arg) -> None:
        if event == "call":
            called.append(frame.f_code.co_name)

    assert run_hooked(student, (), profile, profile=True) == 2
    assert called == ["student", "helper"]
