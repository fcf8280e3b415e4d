"""Signature and seal images (NĐ 30/2020, Phụ lục I, Phần I, Mục II): PNG with a transparent
background; the signature blue, the seal red at its real size. Uploads are checked here; the demo
images are drawn by code (clearly marked as demo), never downloaded."""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_IMAGE_BYTES = 2 * 1024 * 1024


def check_png(data: bytes) -> tuple[int, int]:
    """(width, height) of a PNG with a transparent background; a clear Vietnamese error otherwise."""
    from PIL import Image, UnidentifiedImageError

    if len(data) > MAX_IMAGE_BYTES:
        raise ValidationError(_("Ảnh quá lớn (tối đa 2 MB)."))
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise ValidationError(_("Ảnh chữ ký, con dấu phải là tệp PNG."))
    try:
        img = Image.open(io.BytesIO(data))
        img.load()
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ValidationError(_("Không đọc được ảnh PNG.")) from exc
    if img.mode not in ("RGBA", "LA") and not (img.mode == "P" and "transparency" in img.info):
        raise ValidationError(_("Ảnh phải có nền trong suốt (PNG có kênh alpha)."))
    alpha = img.convert("RGBA").getchannel("A")
    if alpha.getextrema()[0] == 255:
        raise ValidationError(_("Ảnh phải có nền trong suốt: không có điểm ảnh trong suốt nào."))
    w, h = img.size
    if w < 20 or h < 20 or w > 4000 or h > 4000:
        raise ValidationError(_("Kích thước ảnh không hợp lệ (từ 20 đến 4000 điểm ảnh mỗi chiều)."))
    return w, h


def _png(img) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def _font(size: int):
    from PIL import ImageFont

    for path in (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    ):
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default()


def demo_signature_png(name: str) -> bytes:
    """A blue scribble with "MẪU THỬ" (demo) on a transparent background: not anyone's signature."""
    import math

    from PIL import Image, ImageDraw

    w, h = 600, 240
    img = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    seed = sum(ord(c) for c in name) or 1
    points = [(40 + i * 5, h / 2 + 55 * math.sin(i / (6 + seed % 5)) * math.cos(i / 17)) for i in range(105)]
    d.line(points, fill=(20, 40, 200, 255), width=6, joint="curve")
    d.line([(60, h - 50), (w - 60, h - 70)], fill=(20, 40, 200, 255), width=4)
    d.text((w / 2, h - 22), "MẪU THỬ - DEMO", fill=(20, 40, 200, 255), font=_font(26), anchor="mm")
    return _png(img)


def demo_seal_png(org_name: str) -> bytes:
    """A red round seal reading "MẪU THỬ - DEMO" and the organisation's name, transparent around."""
    from PIL import Image, ImageDraw

    size = 600
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    red = (210, 20, 20, 230)
    d.ellipse([8, 8, size - 8, size - 8], outline=red, width=16)
    d.ellipse([60, 60, size - 60, size - 60], outline=red, width=6)
    d.text((size / 2, size / 2 - 40), "MẪU THỬ", fill=red, font=_font(64), anchor="mm")
    d.text((size / 2, size / 2 + 40), "DEMO", fill=red, font=_font(64), anchor="mm")
    words = (org_name or "").upper().split()
    line = " ".join(words)[:28]
    d.text((size / 2, size / 2 + 130), line, fill=red, font=_font(26), anchor="mm")
    return _png(img)
