"""Makes a fake webcam for Chromium (--use-file-for-fake-video-capture) out of
a still photo: a 640x480 Y4M video in which the photo moves and its light
changes a little from frame to frame, as a person in front of a camera does.
Chromium plays it in a loop.

    python camera.py PHOTO OUT.y4m [FRAMES]
"""

import random
import sys

from PIL import Image, ImageEnhance

WIDTH, HEIGHT, FPS = 640, 480, 10


def framed(photo):
    """A 4:3 window as wide as the portrait around its upper part, where the
    face of a portrait is, so the face fills the frame as before a webcam."""
    win_h = min(photo.width * 3 // 4, photo.height)
    top = min(max(photo.height * 27 // 100 - win_h // 2, 0), photo.height - win_h)
    return photo.crop((0, top, photo.width, top + win_h))


def frames(photo, count):
    rng = random.Random(photo.width * 100003 + photo.height)
    photo = framed(photo)
    scale = min(WIDTH / photo.width, HEIGHT / photo.height) * 1.02
    for _ in range(count):
        s = scale * (1 + 0.015 * rng.uniform(-1, 1))
        fitted = photo.resize((int(photo.width * s), int(photo.height * s)), Image.BILINEAR)
        fitted = ImageEnhance.Brightness(fitted).enhance(1 + 0.04 * rng.uniform(-1, 1))
        canvas = Image.new("RGB", (WIDTH, HEIGHT), (90, 90, 90))
        dx, dy = rng.randint(-6, 6), rng.randint(-4, 4)
        canvas.paste(fitted, ((WIDTH - fitted.width) // 2 + dx, (HEIGHT - fitted.height) // 2 + dy))
        yield canvas


def y4m_frame(img):
    # 4:2:0: full-size luma, chroma at half width and height.
    y, cb, cr = img.convert("YCbCr").split()
    half = (WIDTH // 2, HEIGHT // 2)
    return b"FRAME\n" + y.tobytes() + cb.resize(half, Image.BILINEAR).tobytes() + cr.resize(half, Image.BILINEAR).tobytes()


def main():
    photo_path, out_path = sys.argv[1], sys.argv[2]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 40
    photo = Image.open(photo_path).convert("RGB")
    with open(out_path, "wb") as out:
        out.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F{FPS}:1 Ip A1:1 C420jpeg\n".encode())
        for img in frames(photo, count):
            out.write(y4m_frame(img))


if __name__ == "__main__":
    main()
