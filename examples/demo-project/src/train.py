"""Fine-tunes the sentiment head and exports it as safetensors (the clean path)."""
import json
from pathlib import Path

import pandas as pd
import torch
from safetensors.torch import load_file, save_file
from transformers import AutoTokenizer

BASE = "google-bert/bert-base-uncased"
BASE_REVISION = "86b5e0934494bd15c9632b12f734a8a67f723594"  # pinned commit of the base model
OUT = Path("models/sentiment-v1")


def load_reviews(path: str) -> pd.DataFrame:
    return pd.read_csv(path)


def main() -> None:
    tokenizer = AutoTokenizer.from_pretrained(BASE, revision=BASE_REVISION)
    reviews = load_reviews("data/reviews.csv")
    head = torch.nn.Linear(16, 2)
    # Resume from the last epoch: tensors only.
    state = torch.load("models/checkpoints/epoch_01.pt", weights_only=True)
    head.load_state_dict(state, strict=False)
    warm = load_file(OUT / "model.safetensors")
    print(f"{len(reviews)} reviews, {len(warm)} tensors, vocab {tokenizer.vocab_size}")
    save_file(head.state_dict(), OUT / "head.safetensors")
    (OUT / "metrics.json").write_text(json.dumps({"epochs": 3}))


if __name__ == "__main__":
    main()
