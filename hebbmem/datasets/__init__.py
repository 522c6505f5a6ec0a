"""Small, offline datasets and the preprocessing used in the tutorials.

Nothing in this module downloads anything.

* :func:`load_mnist` returns MNIST digits as uint8 images. With no ``path``, it
  loads a subset of 2,000 real MNIST training digits that ships with hebbmem.
  With ``path``, it reads the standard IDX files from a folder.
* :func:`load_pictures` returns a few classic scikit-image pictures (camera,
  astronaut, horse, coffee, ...) as ``±1`` patterns, processed the same way as in
  the tutorials.
* :func:`preprocess_image` and :func:`binarize` turn grayscale or colour images
  into ``±1`` float32 patterns.
* :func:`pattern_to_image` reshapes flat patterns back into images for display.

scikit-image is imported inside the picture functions. Importing this module
therefore stays cheap and does not need scikit-image.
"""

from ._mnist import load_mnist
from ._pictures import PICTURE_NAMES, binarize, load_pictures, pattern_to_image, preprocess_image

__all__ = [
    "load_mnist",
    "load_pictures",
    "preprocess_image",
    "binarize",
    "pattern_to_image",
    "PICTURE_NAMES",
]
