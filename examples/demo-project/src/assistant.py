"""Support assistant: answers questions about reviews and can run maintenance commands."""
import os
import subprocess

from flask import Flask, request
from openai import OpenAI

app = Flask(__name__)
client = OpenAI(api_key=os.environ["OPENAI_API_KEY"])


def complete(system: str, user: str) -> str:
    response = client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "system", "content": system}, {"role": "user", "content": user}],
    )
    return response.choices[0].message.content


@app.post("/ask")
def ask():
    question = request.json["question"]
    # planted: user text pasted into the system prompt
    system_prompt = f"You are the review assistant. Policy for this request: {question}"
    return {"answer": complete(system_prompt, question)}


@app.post("/ops")
def ops():
    task = request.json["task"]
    command = complete("Translate the task into one shell command.", task)
    # planted: model output runs in a shell
    result = subprocess.run(command, shell=True, capture_output=True, text=True)
    return {"output": result.stdout}


@app.post("/safe-ask")
def safe_ask():
    # The clean pattern: instructions fixed, user text in its own message.
    return {"answer": complete("Answer questions about product reviews.", request.json["question"])}
