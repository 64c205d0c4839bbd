from .model import Kairos, param_count  # noqa: F401
from .safetensors_io import load_file, save_file  # noqa: F401
