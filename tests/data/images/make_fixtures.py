"""Write the small TIFF fixtures of tests/test_images_reader.py (run once; the files are committed).

fei_sem.tif    FEI/Thermo Fisher layout: 64 x 48 image + 8-row data bar, tag 34682 with [Scan] PixelWidth=2.5e-09
plain_tem.tif  plain TIFF, ImageDescription 'pixel_size_nm=0.0200'
nocal.tif      plain TIFF without any calibration
"""
from pathlib import Path

import numpy as np
import tifffile

HERE = Path(__file__).parent
FEI = "\r\n".join(["[User]", "Date=01/01/2000", "Time=00:00:00 AM", "", "[System]", "SystemType=Test SEM", "",
                   "[Beam]", "HV=5000", "", "[Scan]", "PixelWidth=2.5e-09", "PixelHeight=2.5e-09", "",
                   "[Image]", "ResolutionX=64", "ResolutionY=48", ""])
img = (np.arange(56 * 64).reshape(56, 64) % 251).astype(np.uint8)
img[48:] = 255  # data bar
tifffile.imwrite(HERE / "fei_sem.tif", img, metadata=None, software="test",
                 extratags=[(34682, "s", 0, FEI, True)])
tifffile.imwrite(HERE / "plain_tem.tif", np.full((32, 32), 7, np.uint16), metadata=None, software="test",
                 description="pixel_size_nm=0.0200")
tifffile.imwrite(HERE / "nocal.tif", np.zeros((16, 16), np.uint8), metadata=None, software="test")
