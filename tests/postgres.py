"""A throwaway PostgreSQL cluster on loopback for tests: installed from Debian's packages when
absent, initdb'd in a temporary folder, started on a free port, stopped and removed after."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from flows.local_server import free_port

RUNAS = "nobody"  # initdb refuses root; any other user will do


def _bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:  # a fresh machine: Debian's server package (root, as CI and `make test` run)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update"], check=True, env=env, capture_output=True)
        subprocess.run(
            ["apt-get", "install", "-y", "--no-install-recommends", "postgresql"],
            check=True,
            env=env,
            capture_output=True,
        )
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent


@dataclass(frozen=True)
class Cluster:
    """A running cluster: superuser ``postgres``, no password, on 127.0.0.1:``port``."""

    bin: Path
    folder: Path
    port: int

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", RUNAS, "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *command], check=True, cwd=self.folder, capture_output=True)

    def createdb(self, name: str) -> str:
        """A new database; its URL."""
        self._run(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"


@contextlib.contextmanager
def cluster() -> Iterator[Cluster]:
    """Start a cluster; stop it and delete its folder on the way out."""
    pg = _bin()
    folder = Path(tempfile.mkdtemp(prefix="trawl-pg-"))
    if os.geteuid() == 0:  # mkdtemp's folder is root's, 0700: the server's user must own it
        shutil.chown(folder, user=RUNAS)
    running = Cluster(pg, folder, free_port())
    data = str(folder / "data")
    try:
        running._run(
            str(pg / "initdb"),
            "-D",
            data,
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        options = f"-p {running.port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        running._run(
            str(pg / "pg_ctl"), "-D", data, "-l", str(folder / "server.log"), "-w", "-t", "60", "-o", options, "start"
        )
        try:
            yield running
        finally:
            running._run(str(pg / "pg_ctl"), "-D", data, "-m", "fast", "-w", "stop")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
