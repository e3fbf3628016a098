"""A throwaway PostgreSQL cluster for the benchmarks: initdb into a temporary directory (as
the `postgres` user when run as root), started on a free port with its defaults (fsync and
synchronous_commit on: a benchmark of a durable store must pay for durability), stopped
and removed on exit. Debian's `postgresql` package provides the binaries."""
import atexit, glob, os, shutil, socket, subprocess, tempfile, uuid


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    def __init__(self, settings=()):
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not found:
            raise SystemExit("PostgreSQL is not installed (apt-get install postgresql)")
        self.bin = os.path.dirname(found[-1])
        self.dir = tempfile.mkdtemp(prefix="reactions-bench-pg-")
        self.run_as = []
        if os.getuid() == 0:
            self.run_as = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.dir, "postgres", "postgres")
        self.port = _free_port()
        self._pg("initdb", "-D", f"{self.dir}/data", "-U", "reactions", "--auth=trust", "-E", "UTF8", "--no-sync")
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=200 " + " ".join(f"-c {s}" for s in settings)
        self._pg("pg_ctl", "-D", f"{self.dir}/data", "-o", options, "-l", f"{self.dir}/server.log", "-w", "start")
        atexit.register(self.stop)

    def _pg(self, tool, *args):
        subprocess.run(self.run_as + [f"{self.bin}/{tool}", *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def database(self):
        name = "b_" + uuid.uuid4().hex
        subprocess.run(["psql", self.uri("postgres"), "-q", "-c", f"CREATE DATABASE {name}"], check=True, stdout=subprocess.DEVNULL)
        return self.uri(name)

    def uri(self, name):
        return f"postgresql://reactions@127.0.0.1:{self.port}/{name}"

    def pids(self):
        """Every process of this cluster (postmaster, backends, background workers)."""
        out = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    cmd = f.read()
                if b"postgres" in cmd and (self.dir.encode() in cmd or self._child_of_cluster(int(entry))):
                    out.append(int(entry))
            except OSError:
                pass
        return out

    def _child_of_cluster(self, pid):
        try:
            with open(f"/proc/{pid}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{ppid}/cmdline", "rb") as f:
                return self.dir.encode() in f.read()
        except OSError:
            return False

    def stop(self):
        if self.dir and os.path.isdir(self.dir):
            subprocess.run(self.run_as + [f"{self.bin}/pg_ctl", "-D", f"{self.dir}/data", "-m", "fast", "stop"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None


def cpu_seconds(pids):
    """User + system CPU of these processes so far (exited ones count as nothing)."""
    total = 0
    tick = os.sysconf("SC_CLK_TCK")
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except OSError:
            pass
    return total
