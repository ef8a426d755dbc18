"""Exception types. Every message says what was wrong and what to do instead.

The CLI turns any AuraEdgeError into a one-paragraph message and exit code 2, never a traceback.
"""


class AuraEdgeError(Exception):
    """Base class for errors a user can fix (bad input, missing file, wrong flag)."""


class ConfigError(AuraEdgeError):
    """An unknown name, an out-of-range number or a contradictory set of options."""


class DataError(AuraEdgeError):
    """Input data with the wrong shape, rate, units or values (NaN/inf)."""


class RunError(AuraEdgeError):
    """A run directory that is missing, empty, corrupt or would be overwritten."""


class WeightsError(AuraEdgeError):
    """Model weights that are missing or do not match the model they are loaded into."""


class BundleError(AuraEdgeError):
    """An exported bundle that is missing files, was tampered with, or breaks its contract."""


class DeviceError(AuraEdgeError):
    """A serial port, BLE link or recording that cannot be opened or read."""


class OutputError(AuraEdgeError):
    """An output (a --log file, stdout) cannot be written: a full disk, a closed pipe."""
