"""Writing a file without ever damaging what sits at its path: checked target, temporary file, fsync, rename.

:func:`replace_file` is what ``model.save(path)`` does on disk:

* ``path`` is resolved through symbolic links, so a link keeps pointing to
  the file it names and that file receives the new contents;
* anything that exists at the resolved path and is not a regular file (a
  folder, ``/dev/null`` or another device, a FIFO, a socket) is refused, as
  is a regular file this user may not write;
* the data go to a temporary file in the target's own folder (so the final
  rename never crosses file systems), are flushed to disk, and the temporary
  file is renamed over the target: a crash or a full disk leaves either the
  old file or the new one, never half of each;
* a new file gets the permissions ``open()`` would give it (``0o666`` minus
  the umask); a replaced file keeps its permission bits (and, where allowed,
  its owner and group);
* every error names the user's path, not the temporary file, and says what
  to do.
"""

import errno
import os
import secrets
import stat

__all__ = ["replace_file"]


def _kind(mode):
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a regular file"


def _error(cls, path, why, fix):
    message = f"Cannot save to {path!r}: {why} {fix}".rstrip()
    try:
        return cls(message)
    except TypeError:  # pragma: no cover - an OSError subclass with another signature
        return OSError(message)


def _target(path):
    """The file that will receive the data (``path`` with its symbolic links followed) and its stat or None."""
    if path == "":
        raise _error(FileNotFoundError, path, "the path is empty.", "Give a file name such as 'model.npz'.")
    target = os.path.realpath(path)  # follows every link, dangling ones to where they point
    try:
        st = os.stat(target)
    except FileNotFoundError:
        st = None
    except OSError as err:  # e.g. a link loop, or a name that is too long
        raise _error(type(err), path, f"its location cannot be examined ({err.strerror}).",
                     "Choose another path.") from None
    if st is not None and not stat.S_ISREG(st.st_mode):
        where = "" if target == os.path.abspath(path) else f" (the link leads to {target!r})"
        cls = IsADirectoryError if stat.S_ISDIR(st.st_mode) else FileExistsError
        raise _error(cls, path, f"it is {_kind(st.st_mode)}{where}, and save() writes only regular files: "
                                f"it never replaces folders, devices, pipes or sockets.",
                     "Choose a file name, e.g. os.path.join(folder, 'model.npz').")
    if st is not None and not os.access(target, os.W_OK):
        raise _error(PermissionError, path, "the file exists and is read-only for you; save() does not "
                                            "replace files you may not write.",
                     "Make it writable (chmod u+w) or choose another path.")
    folder = os.path.dirname(target)
    if not os.path.isdir(folder):
        raise _error(FileNotFoundError, path, f"the folder {folder!r} does not exist.",
                     f"Create it first (os.makedirs({folder!r})) or choose another path.")
    return target, st


def _open_temporary(folder, path):
    """A new, empty file next to the target, opened for writing with mode 0o666 & ~umask."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        tmp = os.path.join(folder, f".hebbmem-{secrets.token_hex(6)}.tmp")
        try:
            return tmp, os.open(tmp, flags, 0o666)  # the kernel applies the umask (and default ACLs)
        except FileExistsError:
            continue
        except PermissionError:
            raise _error(PermissionError, path, f"the folder {folder!r} is not writable for you.",
                         "Choose another folder, or ask for write permission.") from None
        except OSError as err:
            raise _error(type(err), path, f"a new file cannot be created in {folder!r} ({err.strerror}).",
                         "Free some space or choose another folder.") from None
    raise _error(FileExistsError, path, "no free temporary name was found in its folder.",  # pragma: no cover
                 "Remove the stale .hebbmem-*.tmp files there.")


def _sync_folder(folder):
    """Make the rename itself durable (a no-op where folders cannot be opened, e.g. Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def replace_file(path, write):
    """Atomically replace the regular file at ``path`` (or create it) with what ``write(fileobj)`` writes.

    Parameters
    ----------
    path : str or os.PathLike
    write : callable
        Called once with a binary file object open for writing.

    Raises
    ------
    OSError
        With a message naming ``path``: ``IsADirectoryError`` or
        ``FileExistsError`` if something other than a regular file is there,
        ``PermissionError``, ``FileNotFoundError`` for a missing folder, or the
        error of the failed write (e.g. a full disk). ``path`` is then unchanged.
    """
    path = os.fspath(path)
    target, st = _target(path)
    folder = os.path.dirname(target)
    tmp, fd = _open_temporary(folder, path)
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        if st is not None:  # a replaced file keeps its permission bits, owner and group
            os.chmod(tmp, stat.S_IMODE(st.st_mode))
            mine = os.stat(tmp)
            if (mine.st_uid, mine.st_gid) != (st.st_uid, st.st_gid) and hasattr(os, "chown"):
                try:
                    os.chown(tmp, st.st_uid, st.st_gid)
                except OSError:
                    pass  # only root may give a file away; the group may not be ours either
        os.replace(tmp, target)
    except BaseException as err:
        try:
            os.remove(tmp)
        except OSError:
            pass
        if isinstance(err, OSError) and not str(err).startswith("Cannot save"):
            why = err.strerror or str(err) or type(err).__name__
            fix = ("Free some space, then save again." if err.errno in (errno.ENOSPC, errno.EDQUOT)
                   else "Check the disk and the folder, then save again.")
            raise _error(type(err), path, f"writing failed ({why}); the file at that path was not changed.",
                         fix) from err
        raise
    _sync_folder(folder)
