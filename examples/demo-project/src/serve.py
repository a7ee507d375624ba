"""Review-sentiment service: loads every model at start-up and answers over HTTP."""
import pickle

import joblib
import torch
import yaml
from flask import Flask, jsonify, request
from transformers import AutoModelForSequenceClassification

app = Flask(__name__)

with open("config/serving.yaml") as fh:
    CONFIG = yaml.load(fh)  # planted: no SafeLoader

# planted: torch 2.5.1 (requirements.txt) unpickles everything by default
checkpoint = torch.load("models/checkpoints/best.pt")
classifier = joblib.load("models/classifier/pipeline.joblib")
with open("models/classifier/vectorizer.pkl", "rb") as fh:
    vectorizer = pickle.load(fh)

# planted: remote code from an unpinned hub repository
reranker = AutoModelForSequenceClassification.from_pretrained(
    "acme-research/review-reranker", trust_remote_code=True
)


@app.post("/predict")
def predict():
    text = request.json["text"]
    label = classifier.predict(vectorizer.transform([text]))[0]
    return jsonify({"label": str(label)})
