"""no_cyclic_gc: the collector is off inside, back on after (also after an error), left off when the
process had turned it off, and with two threads inside it comes back only when the last one leaves."""

import gc
import threading

import pytest

from ocop.lib.gcpause import no_cyclic_gc


@pytest.fixture(autouse=True)
def _collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_off_inside_and_on_after_even_after_an_error():
    with no_cyclic_gc():
        assert not gc.isenabled()
        with no_cyclic_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()  # still inside the outer block
    assert gc.isenabled()
    with pytest.raises(ZeroDivisionError):
        with no_cyclic_gc():
            raise ZeroDivisionError
    assert gc.isenabled()


def test_a_process_that_turned_it_off_keeps_it_off():
    gc.disable()
    with no_cyclic_gc():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_back_on_only_when_the_last_thread_leaves():
    inside, leave = threading.Event(), threading.Event()

    def other():
        with no_cyclic_gc():
            inside.set()
            leave.wait(10)

    thread = threading.Thread(target=other)
    thread.start()
    assert inside.wait(10)
    with no_cyclic_gc():
        assert not gc.isenabled()
    assert not gc.isenabled()  # the other thread is still inside
    leave.set()
    thread.join(10)
    assert gc.isenabled()
