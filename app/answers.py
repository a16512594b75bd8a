"""Recent answers, kept by the server for the same request asked again.

A class opens the same example, and the same shared link, at the same moment; and an
analysis is a pure function of its request (source, values and options, the seed included;
the limits are the server's own), so the same request gets the same bytes again without the
engine. Bounded in bytes, each answer at most a sixteenth of the whole; the least recently
used goes first. Errors are not kept: they are cheap, and a time budget's 503 is not a
property of the request.
"""

from __future__ import annotations

from collections import OrderedDict

Answer = tuple[bytes, str | None]  # the bytes and their Content-Encoding


class AnswerCache:
    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.held = 0
        self._answers: OrderedDict[bytes, Answer] = OrderedDict()

    def get(self, key: bytes) -> Answer | None:
        answer = self._answers.get(key)
        if answer is not None:
            self._answers.move_to_end(key)
        return answer

    def put(self, key: bytes, answer: Answer) -> None:
        size = len(key) + len(answer[0])
        if size > self.max_bytes // 16 or key in self._answers:
            return
        self._answers[key] = answer
        self.held += size
        while self.held > self.max_bytes:
            old_key, (old, _encoding) = self._answers.popitem(last=False)
            self.held -= len(old_key) + len(old)

    def __len__(self) -> int:
        return len(self._answers)
