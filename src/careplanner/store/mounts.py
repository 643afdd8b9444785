"""Is a folder on a network (or other shared) file system? A local store must not be.

SQLite's write-ahead log needs every process that opens the store to be on one host and to see the same
locks. Network shares (NFS, SMB/CIFS, 9p, sshfs, ...) and FUSE views that do not forward locks break both:
the reliability tests corrupted a store through two FUSE mounts of one folder. So such folders are refused
with a plain message. On Linux the file-system type comes from /proc/self/mountinfo; on Windows from
GetDriveType (a mapped drive or UNC path is "remote"). macOS is not checked (see docs/security.md).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

MOUNTINFO = Path("/proc/self/mountinfo")

# Kernel network file systems, and FUSE file systems known to reach other machines.
NETWORK_TYPES = frozenset(
    {
        "nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "afs", "ceph", "glusterfs", "lustre", "gpfs", "ncpfs",
        "ncp", "coda", "davfs", "ocfs2", "gfs2", "vboxsf", "vmhgfs", "fuse.sshfs", "fuse.rclone",
        "fuse.s3fs", "fuse.gcsfuse", "fuse.glusterfs", "fuse.davfs2", "fuse.vmhgfs-fuse", "fuse.smbnetfs",
        "fuse.curlftpfs",
    }
)  # fmt: skip
# FUSE file systems that encrypt a folder on this computer's own disk; every other FUSE type is refused,
# because a FUSE view need not pass the store's locks through (bindfs without lock forwarding did not).
LOCAL_FUSE_TYPES = frozenset({"fuseblk", "fuse.gocryptfs", "fuse.encfs", "fuse.cryfs", "fuse.securefs"})

_OCTAL = re.compile(r"\\([0-7]{3})")


def _unescape(field: str) -> str:
    return _OCTAL.sub(lambda m: chr(int(m.group(1), 8)), field)


def _existing(path: Path) -> Path:
    """`path` with its existing part resolved (links followed) and the rest, still to be made, kept."""
    current, rest = path.expanduser().absolute(), []
    while not current.exists() and current != current.parent:
        rest.append(current.name)
        current = current.parent
    return current.resolve().joinpath(*reversed(rest))


def filesystem_type(path: Path, mountinfo: Path | None = None) -> str | None:
    """The type of the file system holding `path` (or its nearest existing parent), from a mountinfo file.

    `mountinfo` (default: the module's MOUNTINFO, read at call time) is the seam through which tests give a
    made-up mount table: an NFS mount cannot be made on a test machine."""
    try:
        text = (mountinfo or MOUNTINFO).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    target = str(_existing(path))
    best, best_type = "", None
    for line in text.splitlines():
        left, sep, right = line.partition(" - ")
        fields, tail = left.split(), right.split()
        if not sep or len(fields) < 5 or not tail:
            continue
        point = _unescape(fields[4])
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        # The last matching line wins among equal mount points: later mounts hide earlier ones.
        if inside and len(point) >= len(best):
            best, best_type = point, tail[0]
    return best_type


def is_shared_type(fs_type: str | None) -> bool:
    if fs_type is None:
        return False
    if fs_type in NETWORK_TYPES:
        return True
    return (fs_type == "fuse" or fs_type.startswith("fuse.")) and fs_type not in LOCAL_FUSE_TYPES


def network_folder(path: Path, mountinfo: Path | None = None) -> str | None:
    """A short name of the shared file system `path` is on, or None when it is on a local disk."""
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows builds only
        return _windows_remote(path)
    fs_type = filesystem_type(path, mountinfo)
    return fs_type if is_shared_type(fs_type) else None


def _windows_remote(path: Path) -> str | None:  # pragma: no cover - Windows only
    import ctypes

    anchor = _existing(path).anchor or str(path)
    if anchor.startswith("\\\\") and not anchor.startswith("\\\\?\\"):
        return "network share"
    drive_remote = 4
    kernel32 = getattr(ctypes, "windll").kernel32  # noqa: B009 - windll exists only on Windows
    return "network drive" if kernel32.GetDriveTypeW(os.fspath(anchor)) == drive_remote else None
