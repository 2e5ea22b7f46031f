"""Who spoke when in a mono recording: agent or customer, offline, without a diarisation model.

1. Turns: the words are cut wherever a pause between two words is at least ``TURN_PAUSE``
   (0.3 s). In a mono mix a change of speaker almost always leaves such a gap.
2. Voices: each turn gets a voice print: the mean and spread of its cepstrum (coefficients
   1–19 of the DCT of the 80-band log-mel features Whisper uses) and its median pitch
   (autocorrelation). Log-mel means alone followed the words more than the voice (60–88% on
   the samples); the cepstrum and pitch reached 96–100%. The prints are
   standardised and split into two groups with k-means. Turns shorter than ``MIN_TURN`` (0.4 s)
   carry too little voice to place, so they take the group of the nearest turn in time.
3. Roles: the group that greets with "thank you for calling", names the company, offers help or
   asks the verification and payment questions is the agent's. When the phrases are silent, the
   first speaker is taken to be the agent, because agents open the call.

The accuracy is measured on mono mixes of two-channel calls whose truth is known
(`tests/transcription/test_speakers.py`, `benchmarks/transcription`). A call whose voices
cannot be told apart (a single group) stays "unknown", so redaction fails closed.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

import numpy as np

from .types import AGENT, CUSTOMER, Segment, Word

TURN_PAUSE = 0.3  # seconds between words that may be a change of speaker
MIN_TURN = 0.4  # seconds of speech a voice print needs
SAMPLE_RATE = 16000
AGENT_PHRASES = re.compile(
    r"thank(?:s| you) for calling|how (?:can|may) I help|calling from|you(?:'re| are) (?:through|speaking) to|this is \w+ (?:speaking|from)|"
    r"can I (?:take|have|get) (?:your|the)|could you (?:confirm|give me|read)|(?:for|on) security|verify|is there anything else|"
    r"have a (?:good|great|nice) (?:day|evening)|let me (?:check|look)|bear with me|I can see|on (?:your|the) account",
    re.I,
)


def split_turns(segments: list[Segment], pause: float = TURN_PAUSE) -> list[Segment]:
    """The segments cut at every pause of ``pause`` seconds or more between words."""
    out = []
    for seg in segments:
        part: list[Word] = []
        for w in seg.words:
            if part and w.start - part[-1].end >= pause:
                out.append(_segment(seg, part))
                part = []
            part.append(w)
        if part:
            out.append(_segment(seg, part))
    return out


PITCH_WEIGHT = 5  # the pitch counts as this many features (measured: it separates voices best)


def voice_print(audio: np.ndarray) -> np.ndarray:
    """Mean and spread of cepstral coefficients 1–19 (the DCT of Whisper's 80-band log-mel
    spectrum: the shape of the vocal tract, not the loudness) and the median pitch."""
    from scipy.fft import dct

    cepstrum = dct(_feature_extractor()(audio), axis=0, norm="ortho")[1:20]
    return np.concatenate([cepstrum.mean(axis=1), cepstrum.std(axis=1), [_pitch(audio) / 100.0] * PITCH_WEIGHT])


def attribute_speakers(segments: list[Segment], audio: np.ndarray) -> list[Segment]:
    """Each mono turn labelled agent or customer (see the module's description); if the
    voices cannot be told apart, the segments come back as they were ("unknown")."""
    turns = split_turns(segments)
    return label_turns(segments, turns, turn_prints(turns, audio))


def turn_prints(turns: list[Segment], audio: np.ndarray, offset: float = 0.0) -> list[np.ndarray | None]:
    """The voice print of each turn long enough to carry one (else None); ``audio`` starts
    ``offset`` seconds into the call (a window of a long call)."""
    def piece(t: Segment) -> np.ndarray:
        return audio[max(0, int((t.start - offset) * SAMPLE_RATE)) : max(0, int((t.end - offset) * SAMPLE_RATE))]

    return [voice_print(piece(t)) if t.end - t.start >= MIN_TURN and len(piece(t)) else None for t in turns]


def label_turns(segments: list[Segment], turns: list[Segment], prints: list[np.ndarray | None]) -> list[Segment]:
    """The turns labelled agent or customer by their voice prints and role phrases; the
    ``segments`` unchanged when there are not two voices to tell apart."""
    long_enough = [i for i, p in enumerate(prints) if p is not None]
    if len(turns) < 2 or len(long_enough) < 2:
        return segments
    groups = _two_groups(np.stack([prints[i] for i in long_enough]))
    if groups is None:
        return segments
    label = {i: g for i, g in zip(long_enough, groups, strict=True)}
    for i in range(len(turns)):  # short turns: the group of the nearest placed turn in time
        if i not in label:
            nearest = min(long_enough, key=lambda j: abs(turns[j].start - turns[i].start))
            label[i] = label[nearest]
    agent_group = _agent_group(turns, label)
    return [replace(t, speaker=AGENT if label[i] == agent_group else CUSTOMER) for i, t in enumerate(turns)]


def label_channels(channels: dict[int, list[Segment]]) -> dict[int, list[Segment]]:
    """A two-channel recording whose metadata does not say which channel is the agent: each
    channel holds one party, so the channel that greets, offers help or asks the verification
    and payment questions is the agent's (otherwise, whoever opens the call), as for the voices
    of a mono recording. Only the segments' speakers change: the transcript keeps both channels
    "unknown", so redaction applies the customer's rules to both."""
    if len(channels) != 2 or not all(channels.values()):
        return channels
    votes = {index: sum(len(AGENT_PHRASES.findall(s.text)) for s in segments) for index, segments in channels.items()}
    first, second = sorted(channels)
    if votes[first] != votes[second]:
        agent = first if votes[first] > votes[second] else second
    else:
        agent = min(channels, key=lambda index: min(s.start for s in channels[index]))  # agents open the call
    return {index: [replace(s, speaker=AGENT if index == agent else CUSTOMER) for s in segments] for index, segments in channels.items()}


def _agent_group(turns: list[Segment], label: dict[int, int]) -> int:
    votes = [0, 0]
    for i, t in enumerate(turns):
        votes[label[i]] += len(AGENT_PHRASES.findall(t.text))
    if votes[0] != votes[1]:
        return int(votes[1] > votes[0])
    return label[0]  # agents open the call


MIN_SHARE = 0.15  # a party speaks at least this share of the placed turns


def _two_groups(prints: np.ndarray) -> list[int] | None:
    """Two groups of voice prints: k-means from several starts, the lowest within-group spread
    among splits where each group has at least MIN_SHARE of the turns (so a few odd turns do
    not become a "speaker")."""
    from scipy.cluster.vq import kmeans2

    z = (prints - prints.mean(axis=0)) / (prints.std(axis=0) + 1e-6)
    best, best_sse = None, np.inf
    for seed in range(10):
        centroids, labels = kmeans2(z, 2, minit="++", seed=seed)
        share = float(np.mean(labels == 0))
        if min(share, 1 - share) < MIN_SHARE:
            continue
        sse = float(sum(np.sum((z[labels == k] - centroids[k]) ** 2) for k in (0, 1)))
        if sse < best_sse:
            best, best_sse = labels, sse
    return None if best is None else [int(x) for x in best]


@lru_cache(maxsize=1)
def _feature_extractor():  # noqa: ANN202 - faster_whisper's FeatureExtractor, built once
    from faster_whisper.feature_extractor import FeatureExtractor

    return FeatureExtractor(feature_size=80)


def _pitch(audio: np.ndarray, rate: int = SAMPLE_RATE) -> float:
    """Median fundamental frequency of the voiced 40 ms frames (autocorrelation, 70–400 Hz)."""
    frame, hop = int(0.04 * rate), int(0.02 * rate)
    lo, hi = rate // 400, rate // 70
    audio = audio / (np.sqrt(np.mean(audio.astype(np.float64) ** 2)) + 1e-9)  # level-independent
    pitches = []
    for start in range(0, len(audio) - frame, hop):
        x = audio[start : start + frame].astype(np.float64)
        x = x - x.mean()
        energy = np.dot(x, x)
        if energy < 0.1 * frame:  # well below the turn's average level: not voiced
            continue
        ac = np.correlate(x, x, mode="full")[frame - 1 :]
        lag = lo + int(np.argmax(ac[lo:hi]))
        if ac[lag] / energy > 0.4:  # voiced
            pitches.append(rate / lag)
    return float(np.median(pitches)) if pitches else 0.0


def _segment(seg: Segment, words: list[Word]) -> Segment:
    return replace(seg, start=words[0].start, end=words[-1].end, text="".join(w.text for w in words), words=tuple(words))
