#!/usr/bin/env python3
"""Builds a labelled frame set for the face detector and OpenCV's reference detections.

Usage: python3 scripts/face-frames.py OUT_DIR
Needs ffmpeg and opencv-python-headless<5 (pip; OpenCV 5 dropped cascades) — used here only as the reference,
never by the product. Frames: the NASA portrait from ../shared/data/faces-dev at several sizes, darkened, blurred,
shifted and mirrored, plus frames of the Media/ samples decoded at 320 px width. Writes OUT_DIR/*.pgm and
OUT_DIR/reference.json: {frame: [[x, y, w, h], ...]} from CascadeClassifier.detectMultiScale (scaleFactor 1.1,
minNeighbors 3) with Debian's haarcascade_frontalface_default.xml.
"""
import json, os, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PORTRAIT = os.path.join(ROOT, "..", "shared", "data", "faces-dev", "astronaut.png")
CASCADE = "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml"


def ffmpeg(*args):
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args], check=True)


def main(out):
    import cv2
    os.makedirs(out, exist_ok=True)
    variants = {
        "portrait-320": "scale=320:320",
        "portrait-240": "scale=240:240",
        "portrait-160": "scale=160:160",
        "portrait-480": "scale=480:480",
        "portrait-dark": "scale=320:320,eq=brightness=-0.3",
        "portrait-bright": "scale=320:320,eq=brightness=0.25",
        "portrait-blur": "scale=320:320,gblur=sigma=2",
        "portrait-wide": "scale=240:240,pad=426:240:120:0:gray",
        "portrait-corner": "scale=200:200,pad=320:240:0:40:black",
        "portrait-mirror": "scale=320:320,hflip",
        "portrait-odd": "scale=301:217",
        "portrait-noise": "scale=320:320,noise=alls=20:allf=t",
    }
    for name, vf in variants.items():
        ffmpeg("-i", PORTRAIT, "-vf", vf + ",format=gray", os.path.join(out, name + ".pgm"))
    for sample in ("interview-en.mp4", "interview-zh.mkv"):
        stem = sample.split(".")[0]
        ffmpeg("-i", os.path.join(ROOT, "Media", sample), "-vf", "fps=0.5,scale=320:-2,format=gray",
               os.path.join(out, stem + "-%02d.pgm"))
    cascade = cv2.CascadeClassifier(CASCADE)
    eye = cv2.CascadeClassifier(CASCADE.replace("frontalface_default", "eye"))
    smile = cv2.CascadeClassifier(CASCADE.replace("frontalface_default", "smile"))
    reference, eyes, smiles = {}, {}, {}
    for name in sorted(os.listdir(out)):
        if not name.endswith(".pgm"):
            continue
        image = cv2.imread(os.path.join(out, name), cv2.IMREAD_GRAYSCALE)
        boxes = cascade.detectMultiScale(image, scaleFactor=1.1, minNeighbors=3)
        reference[name] = [[int(v) for v in box] for box in boxes]
        if len(boxes):
            # Eyes in the upper 60 % and smiles in the lower half of the largest face, as Debrief looks for them.
            x, y, w, h = (int(v) for v in max(boxes, key=lambda b: b[2] * b[3]))
            upper = image[y:y + int(0.6 * h), x:x + w]
            lower = image[y + h // 2:y + h, x:x + w]
            eyes[name] = [[int(v) for v in b] for b in eye.detectMultiScale(upper, scaleFactor=1.1, minNeighbors=3)]
            smiles[name] = [[int(v) for v in b] for b in smile.detectMultiScale(lower, scaleFactor=1.1, minNeighbors=20)]
    with open(os.path.join(out, "reference.json"), "w") as f:
        json.dump({"opencv": cv2.__version__, "cascade": CASCADE, "frames": reference, "eyes": eyes,
                   "smiles": smiles}, f, indent=1)
    print(f"{len(reference)} frames, {sum(len(v) for v in reference.values())} OpenCV face detections, "
          f"{sum(len(v) for v in eyes.values())} eye and {sum(len(v) for v in smiles.values())} smile detections -> {out}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/face-frames")
