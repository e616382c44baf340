#!/usr/bin/env python3
"""Builds a Mandarin interview recording from real human speech, for the recogniser's end-to-end check and the demo.

Debian's gcin-voice package holds recordings of every Mandarin syllable with its tone, spoken by a person (voice 3,
Edward Der-Hua Liu, GPL-3 or LGPL-3; /usr/share/doc/gcin-voice/copyright). The answers below are written out in
zhuyin with pypinyin (PyPI, MIT) and said syllable by syllable from those recordings, with a pause at each comma and
full stop: real voices, read slowly, that Whisper can hear (espeak-ng's Mandarin it cannot). Nothing of it is
committed; scripts/test.sh and scripts/demo.sh build it.

    python3 scripts/zh-speech.py OUTPUT_DIR     # writes interview-zh-speech.m4a, .yaml (metadata),
                                                # interview-zh-speech-reference.txt and manifest.csv (for eval asr)

Needs: ffmpeg, gcin-voice (apt), pypinyin (pip).
"""
import os
import subprocess
import sys
import tempfile

from pypinyin import Style, pinyin

VOICES = "/usr/share/gcin-voice/ogg"
ANSWERS = [
    ("q1", "请讲一个你带领团队解决问题的经历。", [
        "去年我在一家软件公司负责华东区的销售。",
        "当时我们最大的客户准备终止合同，我的任务是把客户留住。",
        "我先拜访了客户，了解他们的需求，然后和产品团队一起制定了新的方案。",
        "我带着三个人完成了谈判，最后签下了续约合同。",
        "结果销售额增长了百分之三十，客户满意度也提高了。",
    ]),
    ("q2", "你怎么处理客户的投诉？", [
        "我们的客户投诉很多，处理一个投诉要三天。",
        "我把每个投诉按时间排好，每天早上开会分给团队。",
        "三个月以后，处理时间从三天缩短到了一天。",
    ]),
]
TONES = {"ˊ": "2", "ˇ": "3", "ˋ": "4", "˙": "5"}


def syllable_files(clause):
    """The recording of each syllable of `clause` (the neutral tone falls back to the first)."""
    files = []
    for [reading] in pinyin(clause, style=Style.BOPOMOFO, errors="ignore"):
        tone = ""
        for mark, digit in TONES.items():
            if mark in reading:
                tone, reading = digit, reading.replace(mark, "")
        for name in (reading + tone, reading + ("1" if tone == "5" else ""), reading):
            path = os.path.join(VOICES, name, "3.ogg")
            if os.path.exists(path):
                files.append(path)
                break
        else:
            raise SystemExit(f"zh-speech: no recording of the syllable {reading}{tone} in {VOICES}")
    return files


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    if not os.path.isdir(VOICES):
        raise SystemExit("zh-speech: gcin-voice is not installed (apt-get install gcin-voice)")
    with tempfile.TemporaryDirectory() as work:
        clause_gap, answer_gap = os.path.join(work, "clause.wav"), os.path.join(work, "answer.wav")
        for path, seconds in ((clause_gap, 0.45), (answer_gap, 2.5)):
            subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "anullsrc=r=16000:cl=mono",
                            "-t", str(seconds), path], check=True)
        listing, questions, reference, clock = [], [], [], 0.0

        def duration(path):
            return float(subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of",
                                         "csv=p=0", path], capture_output=True, text=True, check=True).stdout)
        durations = {}
        for key, question, sentences in ANSWERS:
            start = clock
            for sentence in sentences:
                for clause in sentence.replace("，", "。").replace("？", "。").split("。"):
                    if not clause:
                        continue
                    for path in syllable_files(clause):
                        listing.append(path)
                        clock += durations.setdefault(path, duration(path))
                    listing.append(clause_gap)
                    clock += 0.45
                reference.append(sentence)
            questions.append((key, question, start, clock))
            listing.append(answer_gap)
            clock += 2.5
        with open(os.path.join(work, "list.txt"), "w") as handle:
            handle.writelines(f"file '{path}'\n" for path in listing)
        target = os.path.join(out, "interview-zh-speech.m4a")
        subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-f", "concat", "-safe", "0", "-i",
                        os.path.join(work, "list.txt"), "-ar", "16000", "-ac", "1", "-c:a", "aac", "-b:a", "64k",
                        target], check=True)
    with open(os.path.join(out, "interview-zh-speech.yaml"), "w", encoding="utf-8") as handle:
        handle.write("candidate: 王芳\nmodel: sales-manager\nlanguage: zh\n"
                     "source: real Mandarin syllables (Debian gcin-voice), no transcript\nquestions:\n")
        for key, question, start, end in questions:
            handle.write(f"  - {{id: {key}, text: \"{question}\", start: {start:.2f}, end: {end:.2f}}}\n")
    with open(os.path.join(out, "interview-zh-speech-reference.txt"), "w", encoding="utf-8") as handle:
        handle.write("".join(reference) + "\n")
    # The same recording as a one-file dev set for `debrief eval asr OUTPUT_DIR`.
    with open(os.path.join(out, "manifest.csv"), "w", encoding="utf-8") as handle:
        handle.write(f"id,source_path,transcript\ninterview-zh-speech,{target},{''.join(reference)}\n")
    print(f"zh-speech: {target} ({clock:.0f} s)")


if __name__ == "__main__":
    main()
