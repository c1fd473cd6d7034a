"""Sizes checked before work read every limit on the process: the host's available
memory, the address-space limit (RLIMIT_AS) and the control group's memory limit."""

import os
import subprocess
import sys
import textwrap

import pytest

from sk_activegan import _memory

TESTS = os.path.dirname(os.path.abspath(__file__))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS and /proc: Linux")
def test_a_size_beyond_the_address_space_limit_is_refused_before_work():
    # a careless n_candidates under `ulimit -v` (a container's, a scheduler's): the host
    # has the memory, the process may not map it
    script = textwrap.dedent(f"""
        import os, resource, sys
        sys.path.insert(0, {TESTS!r})
        import numpy as np
        from sklearn.datasets import load_iris
        from conftest import FAST
        from sk_activegan import ActiveGANAugmenter, _memory

        X, y = load_iris(return_X_y=True)
        aug = ActiveGANAugmenter(**{{**FAST, "n_iter": 4}}, random_state=0).fit(X, y)
        mapped = int(open("/proc/self/statm").read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        resource.setrlimit(resource.RLIMIT_AS, (mapped + 2**30, resource.RLIM_INFINITY))
        left = getattr(_memory, "address_space_left", lambda: 1)()  # 1: before the check
        assert 0 < left <= 2**30, left
        try:
            aug.sample(1, n_candidates=10**8)  # 10**8 x 4 features x 4 bytes = 1.5 GiB
        except ValueError as error:
            print("REFUSED", error)
        print("SAMPLE", aug.sample(2)[0].shape)  # the stream still works
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=120, env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert out.returncode == 0, out.stderr[-2000:]
    assert "REFUSED n_candidates:" in out.stdout and "RLIMIT_AS" in out.stdout, out.stdout
    assert "SAMPLE (6, 4)" in out.stdout


@pytest.mark.parametrize("layout", ["v2", "v1"])
def test_the_control_groups_limit_is_read(tmp_path, monkeypatch, layout):
    monkeypatch.setattr(_memory, "_own_cgroup", lambda root: {})
    folder = tmp_path if layout == "v2" else tmp_path / "memory"
    folder.mkdir(exist_ok=True)
    names = (("memory.max", "memory.current", "inactive_file") if layout == "v2" else
             ("memory.limit_in_bytes", "memory.usage_in_bytes", "total_inactive_file"))
    (folder / names[0]).write_text(f"{4 * 2**30}\n")
    (folder / names[1]).write_text(f"{3 * 2**30}\n")
    (folder / "memory.stat").write_text(f"anon 1\n{names[2]} {2**29}\n")
    # 4 GiB limit, 3 GiB used of which 0.5 GiB reclaimable file cache: 1.5 GiB left
    assert _memory.cgroup_memory_left(str(tmp_path)) == 3 * 2**29
    (folder / names[0]).write_text("max\n" if layout == "v2" else f"{2**63 - 4096}\n")
    assert _memory.cgroup_memory_left(str(tmp_path)) is None


def test_the_least_limit_binds_and_is_named(monkeypatch):
    monkeypatch.setattr(_memory, "host_available_memory", lambda: 10**12)
    monkeypatch.setattr(_memory, "address_space_left", lambda: None)
    monkeypatch.setattr(_memory, "cgroup_memory_left", lambda root=None: 1000)
    assert _memory.available_memory() == 1000
    with pytest.raises(ValueError, match=r"n_per_class: .*1,000 bytes.*of memory available "
                                         r"now \(the control group's memory limit"):
        _memory.check_fits_in_memory(126, 1, 8, "n_per_class")
    assert _memory.check_fits_in_memory(125, 1, 8, "n_per_class") == 1000
    monkeypatch.setattr(_memory, "host_available_memory", lambda: None)
    monkeypatch.setattr(_memory, "cgroup_memory_left", lambda root=None: None)
    assert _memory.available_memory() is None  # nothing readable: no check
    assert _memory.check_fits_in_memory(10**15, 10**3, 8, "n_per_class") == 8 * 10**18
