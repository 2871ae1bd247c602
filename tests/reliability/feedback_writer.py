"""A feedback writer to be killed: `python -m tests.reliability.feedback_writer <store_url> <threads>`.
Each thread adds feedback rows in a loop and prints `<id> <question>` once `add_feedback` has returned,
i.e. after the commit. The test kills it with SIGKILL and checks every printed row is in the store."""

from __future__ import annotations

import sys
import threading

from assistant.store import SqlStore


def main(url: str, threads: int) -> None:
    store = SqlStore(url)
    printing = threading.Lock()

    def write(worker: int) -> None:
        for i in range(10**9):
            question = f"w{worker}-{i}"
            row = store.add_feedback(question, "答" * (1 + i % 500), 1 if i % 2 else -1, f"第{i}条")
            with printing:
                sys.stdout.write(f"{row} {question}\n")
                sys.stdout.flush()

    workers = [threading.Thread(target=write, args=(w,), daemon=True) for w in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
