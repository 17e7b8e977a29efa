import { describe, expect, it } from 'vitest';

import { ScriptQueues } from './script-queues.js';
import type { SimStep } from './sim-step.js';

const hang: SimStep = { kind: 'hang' };
const reset: SimStep = { kind: 'reset' };
const rateLimited: SimStep = { kind: 'error', case: 'openai-rate-limit-requests' };

function takeMany(queues: ScriptQueues, apiKey: string, count: number): (SimStep | undefined)[] {
  return Array.from({ length: count }, () => queues.take(apiKey));
}

describe('ScriptQueues', () => {
  it('answers the steps of a key in order, then nothing', () => {
    const queues = new ScriptQueues();
    queues.append('key-a', [hang, reset]);

    expect(takeMany(queues, 'key-a', 3)).toEqual([hang, reset, undefined]);
  });

  it('keeps the queues of different keys apart', () => {
    const queues = new ScriptQueues();
    queues.append('key-a', [hang]);
    queues.append('key-b', [reset]);

    expect(queues.take('key-b')).toEqual(reset);
    expect(queues.take('key-a')).toEqual(hang);
    expect(queues.take('key-c')).toBeUndefined();
  });

  it('appends a second script behind the first', () => {
    const queues = new ScriptQueues();
    queues.append('key-a', [hang]);
    queues.append('key-a', [reset]);

    expect(takeMany(queues, 'key-a', 3)).toEqual([hang, reset, undefined]);
  });

  it('repeats the last step of a sticky script forever', () => {
    const queues = new ScriptQueues();
    queues.append('key-a', [hang, rateLimited], { sticky: true });

    expect(takeMany(queues, 'key-a', 4)).toEqual([hang, rateLimited, rateLimited, rateLimited]);
  });

  it('lets a served sticky step give way to steps scripted later', () => {
    const queues = new ScriptQueues();
    queues.append('key-a', [rateLimited], { sticky: true });
    queues.take('key-a');
    queues.append('key-a', [hang]);

    expect(takeMany(queues, 'key-a', 2)).toEqual([hang, undefined]);
  });

  it('serves a sticky step not yet reached once before later steps', () => {
    const queues = new ScriptQueues();
    queues.append('key-a', [rateLimited], { sticky: true });
    queues.append('key-a', [hang]);

    expect(takeMany(queues, 'key-a', 3)).toEqual([rateLimited, hang, undefined]);
  });

  it('clears one key or every key', () => {
    const queues = new ScriptQueues();
    queues.append('key-a', [hang]);
    queues.append('key-b', [reset]);

    queues.clear('key-a');
    expect(queues.pending('key-a')).toEqual([]);
    expect(queues.pending('key-b')).toEqual([reset]);

    queues.clear();
    expect(queues.pending('key-b')).toEqual([]);
  });
});
