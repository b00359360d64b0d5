"""Stand-in site photos for the demo data (a camera-like JPEG with a time stamp), so `make run` shows photo
thumbnails on checklist results, expert findings and hazards. Never used outside the demo loaders."""

from __future__ import annotations

import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw


def site_photo(stamp: str, seed: int = 0) -> SimpleUploadedFile:
    """A 640×480 JPEG: a muted gradient with a few shapes (a wall, a pipe, a tank) and `stamp` (ASCII) in the corner."""
    rng = random.Random(seed)
    image = Image.new("RGB", (640, 480))
    draw = ImageDraw.Draw(image)
    base = (rng.randint(90, 140), rng.randint(100, 150), rng.randint(110, 160))
    for y in range(480):
        shade = int(60 * y / 480)
        draw.line([(0, y), (640, y)], fill=(base[0] + shade // 2, base[1] + shade // 2, base[2] + shade // 3))
    draw.rectangle([40, 300, 600, 470], fill=(150, 150, 140))  # floor
    draw.ellipse([rng.randint(60, 200), 120, rng.randint(320, 420), 320], fill=(200, 200, 190), outline=(90, 90, 90))
    draw.rectangle([0, rng.randint(60, 120), 640, rng.randint(130, 150)], fill=(170, 120, 60))  # pipe
    draw.rectangle([430, 410, 630, 460], fill=(0, 0, 0))
    draw.text((440, 425), stamp, fill=(255, 200, 0))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=70)
    return SimpleUploadedFile(f"IMG_{seed:04d}.jpg", out.getvalue(), content_type="image/jpeg")
