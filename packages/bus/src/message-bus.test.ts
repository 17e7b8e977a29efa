import { describe, expect, it } from 'vitest';
import type { BusMessage } from './bus-message.js';
import { MessageBus } from './message-bus.js';

function message(content: string): BusMessage {
  return { channel: 'cli', chatId: 'chat-1', senderId: 'user-1', content, timestamp: 1 };
}

describe('MessageBus', () => {
  it('keeps inbound and outbound traffic apart', async () => {
    const bus = new MessageBus();
    const inbound: string[] = [];
    const outbound: string[] = [];
    bus.inbound.subscribe((received) => {
      inbound.push(received.content);
    });
    bus.outbound.subscribe((received) => {
      outbound.push(received.content);
    });

    await bus.inbound.publish(message('question'));
    await bus.outbound.publish(message('answer'));
    await Promise.all([bus.inbound.idle(), bus.outbound.idle()]);

    expect(inbound).toEqual(['question']);
    expect(outbound).toEqual(['answer']);
  });

  it('names the direction of a failing subscriber', async () => {
    const failures: string[] = [];
    const bus = new MessageBus({
      onHandlerError: (_error, failed, direction) =>
        failures.push(`${direction}:${failed.content}`),
    });
    bus.outbound.subscribe(() => {
      throw new Error('send failed');
    });

    await bus.outbound.publish(message('reply'));
    await bus.outbound.idle();

    expect(failures).toEqual(['outbound:reply']);
  });

  it('applies the capacity to both directions and closes both', async () => {
    const bus = new MessageBus({ capacity: 1 });
    await bus.inbound.publish(message('a'));
    await bus.outbound.publish(message('b'));
    const waitingInbound = bus.inbound.publish(message('c'));
    const waitingOutbound = bus.outbound.publish(message('d'));

    await bus.close();

    await expect(waitingInbound).rejects.toThrow('The message channel is closed');
    await expect(waitingOutbound).rejects.toThrow('The message channel is closed');
  });
});
