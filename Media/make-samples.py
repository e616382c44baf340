#!/usr/bin/env python3
"""Makes Debrief's sample interviews from synthetic speech and a public-domain portrait.

Needs Debian's espeak-ng and ffmpeg (the CLI is fine here: it only *makes* test media).
Writes, next to this script:
  interview-en.mp4      English answer, H.264 + AAC + mov_text subtitles (software-engineer model)
  interview-zh.mkv      Mandarin answer (pinyin-driven speech), H.264 + Opus + SubRip subtitles in Chinese,
                        with interview-zh.yaml metadata choosing the sales-manager model
  phone-screen-en.m4a   audio-only English phone screen with a WebVTT sidecar and JSON metadata
The portrait is astronaut Eileen Collins (NASA, public domain), from ../shared/data/faces-dev/astronaut.png.
Run: python3 Media/make-samples.py  (deterministic for a given espeak-ng/ffmpeg version)
"""
import json, os, shutil, subprocess, sys, tempfile, wave

HERE = os.path.dirname(os.path.abspath(__file__))
PORTRAIT = os.path.join(HERE, "..", "..", "shared", "data", "faces-dev", "astronaut.png")
LEAD, GAP, TAIL = 0.5, 0.6, 0.8

EN_INTERVIEW = [
    "Last year I worked on the payments team at an online retailer.",
    "Our checkout service started failing during peak traffic, and I was responsible for finding the root cause.",
    "I analyzed the logs, profiled the database queries, and debugged a connection pool leak.",
    "Then I wrote a fix with automated tests and reviewed it with two teammates.",
    "I also explained the incident to the support team and wrote a clear postmortem.",
    "As a result, checkout errors dropped by ninety percent and latency fell from two seconds to three hundred milliseconds.",
    "I have never managed people, but I mentored a new engineer through the rollout.",
]

ZH_INTERVIEW = [  # (text shown in subtitles, pinyin that espeak-ng speaks)
    ("去年我在一家软件公司负责华东区的销售。",
     "qu4 nian2 wo3 zai4 yi4 jia1 ruan3 jian4 gong1 si1 fu4 ze2 hua2 dong1 qu1 de5 xiao1 shou4."),
    ("当时我们最大的客户准备终止合同，我的任务是把客户留住。",
     "dang1 shi2 wo3 men5 zui4 da4 de5 ke4 hu4 zhun3 bei4 zhong1 zhi3 he2 tong2, wo3 de5 ren4 wu4 shi4 ba3 ke4 hu4 liu2 zhu4."),
    ("我先拜访了客户，了解他们的需求，然后和产品团队一起制定了新的方案。",
     "wo3 xian1 bai4 fang3 le5 ke4 hu4, liao3 jie3 ta1 men5 de5 xu1 qiu2, ran2 hou4 he2 chan3 pin3 tuan2 dui4 yi4 qi3 zhi4 ding4 le5 xin1 de5 fang1 an4."),
    ("我带着三个人完成了谈判，最后签下了续约合同。",
     "wo3 dai4 zhe5 san1 ge4 ren2 wan2 cheng2 le5 tan2 pan4, zui4 hou4 qian1 xia4 le5 xu4 yue1 he2 tong2."),
    ("结果销售额增长了百分之三十，客户满意度也提高了。",
     "jie2 guo3 xiao1 shou4 e2 zeng1 zhang3 le5 bai3 fen1 zhi1 san1 shi2, ke4 hu4 man3 yi4 du4 ye3 ti2 gao1 le5."),
]

PHONE_SCREEN = [
    "At my last company I managed a territory of forty small business accounts.",
    "My goal was to grow revenue in a quarter when two competitors cut their prices.",
    "I called every customer, listened to their concerns, and negotiated annual contracts with a discount for referrals.",
    "I also built a simple pipeline report in a spreadsheet to forecast renewals.",
    "We closed the quarter at one hundred and twenty percent of quota.",
]


def run(*args):
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def speak(lines, voice, speed, work):
    """Speaks each line to a WAV, joins them with pauses, returns (wav path, [(start, end, index)])."""
    timings, parts, t = [], [], LEAD
    for i, line in enumerate(lines):
        path = os.path.join(work, f"{voice}-{i}.wav")
        run("espeak-ng", "-v", voice, "-s", str(speed), "-w", path, line)
        with wave.open(path) as w:
            duration = w.getnframes() / w.getframerate()
        parts.append(path)
        timings.append((t, t + duration))
        t += duration + GAP
    total = t - GAP + TAIL
    # Build one track: lead silence, each line followed by a gap, trailing silence.
    inputs, filters = [], []
    for i, path in enumerate(parts):
        inputs += ["-i", path]
        delay = int(timings[i][0] * 1000)
        filters.append(f"[{i}:a]aresample=22050,adelay={delay}:all=1[a{i}]")
    mix = "".join(f"[a{i}]" for i in range(len(parts)))
    filters.append(f"{mix}amix=inputs={len(parts)}:normalize=0,apad,atrim=0:{total:.3f}[out]")
    out = os.path.join(work, f"{voice}-all.wav")
    run("ffmpeg", "-y", *inputs, "-filter_complex", ";".join(filters), "-map", "[out]", "-ac", "1", out)
    return out, timings, total


def stamp(seconds, comma=False):
    ms = int(round(seconds * 1000))
    h, ms = divmod(ms, 3600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{',' if comma else '.'}{ms:03d}"


def write_srt(path, texts, timings):
    with open(path, "w", encoding="utf-8") as f:
        for i, (text, (a, b)) in enumerate(zip(texts, timings), 1):
            f.write(f"{i}\n{stamp(a, True)} --> {stamp(b, True)}\n{text}\n\n")


def write_vtt(path, texts, timings):
    with open(path, "w", encoding="utf-8") as f:
        f.write("WEBVTT\n\n")
        for (text, (a, b)) in zip(texts, timings):
            f.write(f"{stamp(a)} --> {stamp(b)}\n{text}\n\n")


def portrait_video(work, name, total, mirrored):
    """A moving head-and-shoulders picture: slow zoom and sway over the portrait."""
    flip = "hflip," if mirrored else ""
    vf = (f"{flip}scale=720:720,zoompan=z='1.15+0.08*sin(on/40)':"
          f"x='iw/2-(iw/zoom/2)+25*sin(on/23)':y='ih/2-(ih/zoom/2)-20+10*sin(on/31)':d=1:s=480x360:fps=25,"
          "format=yuv420p")
    out = os.path.join(work, name)
    run("ffmpeg", "-y", "-loop", "1", "-framerate", "25", "-i", PORTRAIT, "-vf", vf, "-t", f"{total:.3f}",
        "-c:v", "libx264", "-preset", "slow", "-crf", "32", "-g", "50", "-pix_fmt", "yuv420p", out)
    return out


def main():
    for tool in ("espeak-ng", "ffmpeg"):
        if not shutil.which(tool):
            sys.exit(f"make-samples: {tool} is missing (apt-get install espeak-ng ffmpeg)")
    if not os.path.exists(PORTRAIT):
        sys.exit(f"make-samples: {PORTRAIT} is missing")
    with tempfile.TemporaryDirectory() as work:
        # English interview with an embedded mov_text subtitle track.
        wav, timings, total = speak(EN_INTERVIEW, "en-us", 160, work)
        srt = os.path.join(work, "en.srt")
        write_srt(srt, EN_INTERVIEW, timings)
        video = portrait_video(work, "en.mp4", total, mirrored=False)
        run("ffmpeg", "-y", "-i", video, "-i", wav, "-i", srt, "-map", "0:v", "-map", "1:a", "-map", "2:s",
            "-c:v", "copy", "-c:a", "aac", "-b:a", "48k", "-ar", "22050", "-c:s", "mov_text",
            "-metadata:s:s:0", "language=eng", "-movflags", "+faststart",
            os.path.join(HERE, "interview-en.mp4"))

        # Mandarin interview in Matroska with a SubRip track in Chinese characters.
        wav, timings, total = speak([p for _, p in ZH_INTERVIEW], "cmn-latn-pinyin", 150, work)
        srt = os.path.join(work, "zh.srt")
        write_srt(srt, [t for t, _ in ZH_INTERVIEW], timings)
        video = portrait_video(work, "zh.mp4", total, mirrored=True)
        run("ffmpeg", "-y", "-i", video, "-i", wav, "-i", srt, "-map", "0:v", "-map", "1:a", "-map", "2:s",
            "-c:v", "copy", "-c:a", "libopus", "-b:a", "32k", "-c:s", "subrip",
            "-metadata:s:s:0", "language=chi", os.path.join(HERE, "interview-zh.mkv"))
        with open(os.path.join(HERE, "interview-zh.yaml"), "w", encoding="utf-8") as f:
            f.write("candidate: 王芳\nmodel: sales-manager\nlanguage: zh\nsource: sample interview (synthetic speech)\n")

        # Audio-only phone screen with sidecar transcript and metadata.
        wav, timings, total = speak(PHONE_SCREEN, "en-gb", 165, work)
        run("ffmpeg", "-y", "-i", wav, "-c:a", "aac", "-b:a", "40k", "-ar", "22050",
            os.path.join(HERE, "phone-screen-en.m4a"))
        write_vtt(os.path.join(HERE, "phone-screen-en.vtt"), PHONE_SCREEN, timings)
        with open(os.path.join(HERE, "phone-screen-en.json"), "w", encoding="utf-8") as f:
            json.dump({"candidate": "Sam Carter", "model": "sales-manager", "language": "en",
                       "source": "sample phone screen (synthetic speech)"}, f, indent=2)
            f.write("\n")
    print("samples written to", HERE)


if __name__ == "__main__":
    main()
