"""Reading a model file's arrays safely: the zip container, then each ``.npy`` member, checked before it is read.

A model file is a zip archive of ``.npy`` members (what ``numpy.savez``
writes). :func:`open_archive` refuses, before reading any data, what
hebbmem never writes: other kinds of file, encrypted members, compression
methods other than none and deflate, odd member names. :meth:`Archive.get`
then reads one array only after its ``.npy`` header has been checked: dtype
(plain numbers only, never objects, so nothing is unpickled), shape, and a
declared size that matches the member's size exactly and fits in memory.
"""

import math
import os
import stat
import zipfile

import numpy as np

from .._validation import available_memory, human_bytes
from ._fields import fail

__all__ = ["Archive", "open_archive"]

_MAX_MEMBERS = 256
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a local file header, or the end record of an empty archive
_NPY_MAGIC = b"\x93NUMPY"
_CORRUPT = "The file is truncated, corrupted or of another kind."


def open_archive(path):
    """Open ``path`` as a zip archive of ``.npy`` members, or raise ModelFileError (FileNotFoundError if absent)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise FileNotFoundError(f"No such file: {path!r}. Write one with model.save(path).") from None
    if not stat.S_ISREG(st.st_mode):
        what = "a folder" if stat.S_ISDIR(st.st_mode) else "not a regular file (a device, pipe or socket)"
        raise fail(path, f"it is {what}.", "Give the path of a file written by model.save(path).")
    with open(path, "rb") as f:
        start = f.read(8)
    if start.startswith(_NPY_MAGIC):
        raise fail(path, "it holds a single array (a .npy file), not a hebbmem model archive.",
                   "Load it with numpy.load; hebbmem.load reads files written by model.save(path).")
    if not start.startswith(_ZIP_MAGIC):
        raise fail(path, "it is not a readable .npz archive (it does not start as a zip file does).", _CORRUPT)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as err:
        raise fail(path, f"it is not a readable .npz archive (its zip directory is damaged: {err}).",
                   _CORRUPT) from None
    try:
        return Archive(zf, path)
    except BaseException:
        zf.close()
        raise


class Archive:
    """Checked access to the ``.npy`` members of an opened model file; see :meth:`get`."""

    def __init__(self, zf, path):
        self.zip = zf
        self.path = path
        infos = zf.infolist()
        if len(infos) > _MAX_MEMBERS:
            raise fail(path, f"it has {len(infos):,} members; hebbmem's files have a few dozen at most.", _CORRUPT)
        self.members = {}
        for info in infos:
            name = info.filename
            if not name.endswith(".npy") or len(name) > 120 or name[:-4] in self.members:
                raise fail(path, f"it has a member {name[:60]!r} that hebbmem never writes "
                                 f"(members are distinct NAME.npy arrays).", _CORRUPT)
            if info.flag_bits & 0x41:
                raise fail(path, f"its member {name!r} is encrypted; hebbmem's files never are.", _CORRUPT)
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise fail(path, f"its member {name!r} uses compression method {info.compress_type}; "
                                 f"hebbmem's files are stored or deflated only.", _CORRUPT)
            self.members[name[:-4]] = info

    @property
    def names(self):
        """The names of the arrays in the file."""
        return set(self.members)

    def close(self):
        self.zip.close()

    def declared(self, name):
        """``(shape, dtype)`` that the ``.npy`` header of ``name`` declares, checked; no data is read.

        The declared size must be exactly what the member holds, and fit in
        half of the memory available here.
        """
        path = self.path
        info = self.members.get(name)
        if info is None:
            raise fail(path, f"the array {name!r} is missing.", "The file is incomplete or corrupted.")
        with self.zip.open(info) as f:
            try:
                version = np.lib.format.read_magic(f)
                if version == (1, 0):
                    shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
                elif version == (2, 0):
                    shape, fortran, dtype = np.lib.format.read_array_header_2_0(f)
                else:
                    raise ValueError(f".npy format version {version}, where hebbmem writes 1.0")
            except (ValueError, TypeError, SyntaxError, EOFError) as err:
                raise fail(path, f"the header of the array {name!r} is not valid ({err}).", _CORRUPT) from None
            header_end = f.tell()
        if dtype.hasobject or dtype.fields is not None or dtype.subdtype is not None or dtype.kind not in "biuf":
            raise fail(path, f"the array {name!r} has dtype {dtype}; hebbmem's files hold plain numbers only "
                             f"(nothing in a file is ever unpickled).", _CORRUPT)
        shape = tuple(shape)
        size = math.prod(shape) * dtype.itemsize
        if info.file_size != header_end + size:
            raise fail(path, f"the array {name!r} declares shape {shape} ({size:,} bytes of data) but its "
                             f"member holds {info.file_size - header_end:,} bytes.", _CORRUPT)
        if size > available_memory() // 2:
            raise fail(path, f"the array {name!r} declares {human_bytes(size)} of data, more than half of the "
                             f"memory available here.", "Load it on a machine with more memory.")
        return shape, dtype

    def get(self, name, shape=None, dtypes=("float32", "float64"), *, ndim=None):
        """The array ``name``, read only after its dtype, shape and size are checked.

        Parameters
        ----------
        name : str
        shape : tuple, optional
            The exact shape required; ``None`` entries match any length.
        dtypes : tuple of str
            The dtype names allowed.
        ndim : int, optional
            The number of dimensions required (when ``shape`` is not given).

        Returns
        -------
        ndarray
            In native byte order, writeable; float arrays are finite.
        """
        path = self.path
        declared, dtype = self.declared(name)
        if dtype.name not in dtypes:
            raise fail(path, f"the array {name!r} has dtype {dtype}; expected one of {sorted(dtypes)}.", _CORRUPT)
        if shape is not None:
            ok = len(declared) == len(shape) and all(s is None or s == d for s, d in zip(shape, declared))
            if not ok:
                wanted = "(" + ", ".join("any" if s is None else str(s) for s in shape) + (",)" if len(shape) == 1 else ")")
                raise fail(path, f"the array {name!r} has shape {declared}; expected {wanted}.", _CORRUPT)
        elif ndim is not None and len(declared) != ndim:
            raise fail(path, f"the array {name!r} has {len(declared)} dimensions; expected {ndim}.", _CORRUPT)
        with self.zip.open(self.members[name]) as f:
            value = np.lib.format.read_array(f, allow_pickle=False)
        if value.shape != declared or value.dtype != dtype:  # pragma: no cover - read_array reads what it declares
            raise fail(path, f"the array {name!r} does not match its header.", _CORRUPT)
        if not value.dtype.isnative:
            value = value.astype(value.dtype.newbyteorder("="))
        if value.dtype.kind == "f" and not np.isfinite(value).all():
            raise fail(path, f"the array {name!r} contains NaN or inf.", _CORRUPT)
        return value
