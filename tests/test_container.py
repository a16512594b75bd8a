"""The Dockerfile, built and inspected.

Built with Debian's podman, `podman build --isolation chroot` (no daemon; `make test`
installs podman and debootstrap with apt-get), on a Debian base made here by debootstrap
and `podman import`, passed as the Dockerfile's BASE_IMAGE: no registry is reachable from
these machines. The base is kept in podman's image store, tagged by its recipe, so later
runs on the same machine reuse it (`podman rmi localhost/compgraph-test-base:...` forces a
new one); the image under test is built afresh each run and removed.

Starting a container is blocked on these machines (cgroups), so none is run. What runs
instead is a build step on top of the image: its CMD and its HEALTHCHECK command, as its
user, in its filesystem, but in a chroot rather than a container's namespaces.

Skipped, saying why, where there is no builder: not Linux, not root (debootstrap needs
root, and so does podman's store as set up here), podman or debootstrap missing, or
podman unable to work.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SUITE, MIRROR = "bookworm", "http://deb.debian.org/debian"
PACKAGES = "python3,python3-venv,ca-certificates"  # what the Dockerfile asks of its base
HOST_CA = Path("/etc/ssl/certs/ca-certificates.crt")
BASE_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
SITE = "opt/compgraph/lib/python3.11/site-packages"


def _no_builder() -> str | None:
    if not sys.platform.startswith("linux"):
        return "the container is built with podman and debootstrap, on Linux only"
    if os.geteuid() != 0:
        return "debootstrap and podman's image store need root here"
    missing = [tool for tool in ("podman", "debootstrap") if shutil.which(tool) is None]
    if missing:
        return f"{' and '.join(missing)} not installed (`make test` installs them with apt-get)"
    done = subprocess.run(["podman", "info"], capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        return f"podman cannot work here: {done.stderr.strip()[-300:]}"
    return None


pytestmark = pytest.mark.skipif(bool(reason := _no_builder()), reason=reason or "")


def podman(*args: str, timeout: float = 120) -> str:
    return run(["podman", *args], timeout)


def run(command: list[str], timeout: float) -> str:
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{command[:3]} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def base_image() -> str:
    """A minimal Debian with python3, made by debootstrap, or the one an earlier run made."""
    recipe = hashlib.sha256(f"{SUITE} {MIRROR} {PACKAGES} {BASE_PATH}".encode())
    if HOST_CA.exists():
        recipe.update(HOST_CA.read_bytes())
    tag = f"localhost/compgraph-test-base:{SUITE}-{recipe.hexdigest()[:12]}"
    # Two test runs at once on one machine make the base once.
    with open("/var/tmp/compgraph-test-base.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if subprocess.run(["podman", "image", "exists", tag], timeout=60).returncode == 0:
            return tag
        with tempfile.TemporaryDirectory(dir="/var/tmp") as work:
            rootfs = Path(work) / "rootfs"
            run(["debootstrap", "--variant=minbase", f"--include={PACKAGES}", SUITE, str(rootfs),
                 MIRROR], timeout=900)
            # The machine's certificate authorities, so that pip in the build trusts what the
            # host trusts (here an egress proxy re-signs PyPI's certificates).
            if HOST_CA.exists():
                shutil.copyfile(HOST_CA, rootfs / "etc/ssl/certs/ca-certificates.crt")
            for cache in ("var/cache/apt/archives", "var/lib/apt/lists"):
                shutil.rmtree(rootfs / cache, ignore_errors=True)
            run(["tar", "-C", str(rootfs), "-cf", f"{work}/base.tar", "."], timeout=300)
            podman("import", "--change", f"ENV {BASE_PATH}", "--change", 'CMD ["/bin/bash"]',
                   f"{work}/base.tar", tag, timeout=300)
    return tag


@pytest.fixture(scope="module")
def image() -> Iterator[str]:
    tag = f"localhost/compgraph-test:{uuid.uuid4().hex[:12]}"
    # --layers=false: nothing of the build is kept but the image, removed below.
    podman("build", "--isolation", "chroot", "--format", "docker", "--layers=false",
           "--build-arg", f"BASE_IMAGE={base_image()}", "--tag", tag, "--file",
           str(ROOT / "Dockerfile"), str(ROOT), timeout=900)
    try:
        yield tag
    finally:
        podman("rmi", "--force", tag)


@pytest.fixture(scope="module")
def config(image: str) -> dict:
    return json.loads(podman("image", "inspect", image))[0]


@pytest.fixture(scope="module")
def filesystem(image: str) -> Iterator[Path]:
    """The image's files, mounted read-only for looking at."""
    mounted = Path(podman("image", "mount", image).strip())
    try:
        yield mounted
    finally:
        podman("image", "unmount", image)


def test_the_image_runs_as_a_user_who_cannot_change_its_code(config: dict, filesystem: Path) -> None:
    assert config["Config"]["User"] == "compgraph"
    users = {line.split(":")[0]: line.split(":") for line in (filesystem / "etc/passwd").read_text().splitlines()}
    assert users["compgraph"][2] != "0" and users["compgraph"][6] == "/usr/sbin/nologin"
    for path in (filesystem / SITE / "compgraph").rglob("*"):
        info = path.lstat()
        assert info.st_uid == 0 and not info.st_mode & 0o022, path  # root's, and only root writes


def test_the_image_has_a_healthcheck_on_healthz(config: dict) -> None:
    check = config["Healthcheck"]
    assert check["Test"][0] == "CMD" and "/healthz" in check["Test"][-1]
    assert check["Interval"] > 0 and check["Retries"] > 0
    assert config["Config"]["Cmd"] == ["compgraph", "serve", "--host", "0.0.0.0"]


def test_the_image_holds_the_installed_wheel_and_no_tests_or_bench(filesystem: Path) -> None:
    package = filesystem / SITE / "compgraph"
    for source, installed in [("engine/analysis.py", "engine/analysis.py"), ("app/main.py", "app/main.py"),
                              ("compgraph/micrograd.py", "micrograd.py"),
                              ("templates/index.html", "templates/index.html"),
                              ("static/js/main.js", "static/js/main.js")]:
        assert (package / installed).read_bytes() == (ROOT / source).read_bytes(), installed
    assert (filesystem / "opt/compgraph/bin/compgraph").exists()
    # Installed from the wheel, not in place: no source tree, no editable hook.
    (record,) = (filesystem / SITE).glob("compgraph-*.dist-info")
    assert not (record / "direct_url.json").exists() or b'"editable": true' not in (
        record / "direct_url.json").read_bytes()
    assert not list((filesystem / SITE).glob("__editable__*"))
    assert not [pth for pth in (filesystem / SITE).glob("*.pth") if b"compgraph" in pth.read_bytes()]
    assert not (filesystem / "src").exists() and not (filesystem / "srv/compgraph").exists()
    # No file of tests/ or bench/, under any name: compare contents, for files of their sizes.
    ours = {}
    for folder in ("tests", "bench"):
        for path in (ROOT / folder).rglob("*"):
            if (path.is_file() and path.stat().st_size and "artifacts" not in path.parts
                    and "__pycache__" not in path.parts):
                ours.setdefault(path.stat().st_size, set()).add(hashlib.sha256(path.read_bytes()).digest())
    found = []
    for path in filesystem.rglob("*"):
        if (path.is_file() and not path.is_symlink() and path.stat().st_size in ours
                and hashlib.sha256(path.read_bytes()).digest() in ours[path.stat().st_size]):
            found.append(path.relative_to(filesystem))
    assert not found
    assert not [p for p in package.rglob("*") if p.name.startswith("test_") or p.name == "conftest.py"]


SMOKE = """
import json, os, socket, subprocess, sys, time, urllib.request
cmd, check = json.loads(sys.argv[1]), json.loads(sys.argv[2])
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
env = {**os.environ, "COMPGRAPH_PORT": str(port), "COMPGRAPH_LOG_LEVEL": "warning"}
# The image's CMD, bound to loopback only: this build step shares the host's network.
server = subprocess.Popen(cmd + ["--host", "127.0.0.1"], env=env)
try:
    for _ in range(200):
        time.sleep(0.1)
        if subprocess.run(check, env=env).returncode == 0:
            break
    else:
        sys.exit("the HEALTHCHECK never passed")
    url = f"http://127.0.0.1:{port}"
    page = urllib.request.urlopen(url + "/", timeout=5).read().decode()
    assert '/static/js/main.js' in page
    assert urllib.request.urlopen(url + "/static/js/main.js", timeout=5).status == 200
    body = json.dumps({"source": "(x + y) * z", "values": {"x": -2, "y": 5, "z": -4}}).encode()
    request = urllib.request.Request(url + "/api/graph", body, {"Content-Type": "application/json"})
    answer = json.loads(urllib.request.urlopen(request, timeout=5).read())
    assert answer["gradients"] == {"x": -4, "y": -4, "z": 3}, answer["gradients"]
finally:
    server.terminate()
    server.wait(timeout=10)
assert subprocess.run(check, env=env, stderr=subprocess.DEVNULL).returncode != 0  # and fails when down
print("compgraph served as", os.getuid())
"""


def test_the_image_serves_the_page_as_its_user(image: str, config: dict) -> None:
    """The image's own CMD and HEALTHCHECK command, run by a build step on top of it."""
    check = config["Healthcheck"]["Test"][1:]
    with tempfile.TemporaryDirectory() as context:
        Path(context, "smoke.py").write_text(SMOKE)
        Path(context, "Containerfile").write_text(
            f"FROM {image}\nCOPY smoke.py /tmp/smoke.py\n"
            f"RUN python /tmp/smoke.py {shlex.quote(json.dumps(config['Config']['Cmd']))} "
            f"{shlex.quote(json.dumps(check))}\n")
        tag = f"{image}-smoke"
        try:
            out = podman("build", "--isolation", "chroot", "--layers=false", "--tag", tag, context,
                         timeout=300)
        finally:
            subprocess.run(["podman", "rmi", "--force", tag], capture_output=True, timeout=120)
    uid = [line for line in out.splitlines() if line.startswith("compgraph served as")]
    assert uid and uid[0].split()[-1] != "0", out[-2000:]

