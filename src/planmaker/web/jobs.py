"""Long work (a batch for every institution) in a thread of its own, with its progress.

One job a plan at a time.  The page that started it may be closed: the job
goes on, and the plan's page shows it again (rejoined) until it is done and
after, with its outcome.  Progress comes from the batch itself, through the
``progress`` hook of commands.build."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from planmaker.base.errors import InputError


@dataclass
class Job:
    title: str
    total: int = 0
    done: int = 0
    state: str = "running"  # running, done, failed
    messages: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None

    # the bar commands.batch drives: update(n) and render_finish()
    def __call__(self, total: int) -> Job:
        self.total = total
        return self

    def update(self, count: int) -> None:
        self.done += count

    def render_finish(self) -> None:
        pass

    def status(self) -> dict:
        elapsed = (self.finished or time.monotonic()) - self.started
        percent = round(100 * self.done / self.total) if self.total else (100 if self.state == "done" else 0)
        return {"title": self.title, "state": self.state, "done": self.done, "total": self.total,
                "percent": percent, "seconds": round(elapsed), "messages": self.messages}


class Jobs:
    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> Job | None:
        with self._lock:
            return self._jobs.get(key)

    def start(self, key: str, title: str, work: Callable[[Job], list[str]]) -> Job:
        """Run ``work(job)`` in a thread; its returned lines (or its InputError's) become the job's messages."""
        with self._lock:
            current = self._jobs.get(key)
            if current is not None and current.state == "running":
                raise InputError.single(f"“{current.title}”正在进行，请等它完成后再开始新的任务")
            job = self._jobs[key] = Job(title)
        threading.Thread(target=self._run, args=(job, work), daemon=True, name=f"planmaker-{key}").start()
        return job

    @staticmethod
    def _run(job: Job, work: Callable[[Job], list[str]]) -> None:
        try:
            job.messages = work(job)
            job.state = "done"
        except InputError as exc:
            job.messages = [str(p) for p in exc.problems]
            job.state = "failed"
        except Exception as exc:  # the page says so; the server goes on
            job.messages = [f"任务意外中止：{type(exc).__name__}（{exc}）"]
            job.state = "failed"
        finally:
            job.finished = time.monotonic()
