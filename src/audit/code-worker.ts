/**
 * Worker thread for the audit's code checks: receives batches of source files with the project
 * context, answers per file. Parsing with tree-sitter is synchronous, so large projects check
 * their code on several threads (src/audit/code-pool.ts).
 */
import { parentPort } from 'node:worker_threads';
import { checkCodeFile } from './code-files.js';
import { type CodeJob, type CodeReply, contextOf } from './code-pool-types.js';

parentPort?.on('message', async (job: CodeJob) => {
  const ctx = contextOf(job.context);
  for (const item of job.items) {
    let reply: CodeReply;
    try {
      reply = { id: item.id, result: await checkCodeFile(item.file, ctx) };
    } catch (e) {
      reply = { id: item.id, failure: e instanceof Error ? e.message : String(e) };
    }
    parentPort?.postMessage(reply);
  }
});
