// Review chat widget backend (Express + OpenAI).
import express from 'express';
import OpenAI from 'openai';

const openai = new OpenAI({ apiKey: process.env.OPENAI_API_KEY });
const app = express();
app.use(express.json());

app.post('/chat', async (req, res) => {
  const completion = await openai.chat.completions.create({
    model: 'gpt-4o-mini',
    // planted: request text interpolated into the prompt instead of a separate user message
    messages: [{ role: 'user', content: `Summarise this review and rate it 1-5: ${req.body.review}` }],
  });
  res.json({ reply: completion.choices[0]?.message.content ?? '' });
});

app.listen(8080);
