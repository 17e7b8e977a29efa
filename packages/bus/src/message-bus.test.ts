import { describe, expect, it } from 'vitest';
import type { BusMessage } from './bus-message.js';
import type { SubscriberReport } from './channel-stats.js';
import { MessageBus, type BusDirection } from './message-bus.js';
import { GatedHandler } from './test-support/gated-handler.js';

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

  it('names the direction of a lagging subscriber and of its catching up', async () => {
    const events: Array<[string, BusDirection, SubscriberReport]> = [];
    const bus = new MessageBus({
      capacity: 2,
      lagThreshold: 1,
      onSubscriberLagging: (report, direction) => events.push(['lagging', direction, report]),
      onSubscriberCaughtUp: (report, direction) => events.push(['caught-up', direction, report]),
    });
    const slow = new GatedHandler<BusMessage>();
    bus.outbound.subscribe(slow.handler, { name: 'telegram' });
    bus.inbound.subscribe(() => undefined, { name: 'agent' });

    await bus.inbound.publish(message('question'));
    await bus.outbound.publish(message('first'));
    await bus.outbound.publish(message('second'));
    slow.release(10);
    await bus.outbound.idle();

    const report = {
      name: 'telegram',
      delivered: 1,
      failed: 0,
      discarded: 0,
      lagEpisodes: 1,
    };
    expect(events).toEqual([
      ['lagging', 'outbound', { ...report, pending: 1, delivered: 0, lagging: true }],
      ['caught-up', 'outbound', { ...report, pending: 0, lagging: false }],
    ]);
  });

  it('reports the stats of both directions', async () => {
    const bus = new MessageBus({ capacity: 4 });
    bus.inbound.subscribe(() => undefined, { name: 'agent' });
    await bus.inbound.publish(message('question'));
    await bus.outbound.publish(message('unclaimed'));
    await bus.inbound.idle();

    expect(bus.stats()).toEqual({
      inbound: {
        queued: 0,
        waitingPublishers: 0,
        published: 1,
        laggingSubscribers: 0,
        subscribers: [
          {
            name: 'agent',
            pending: 0,
            delivered: 1,
            failed: 0,
            discarded: 0,
            lagging: false,
            lagEpisodes: 0,
          },
        ],
      },
      outbound: {
        queued: 1,
        waitingPublishers: 0,
        published: 1,
        laggingSubscribers: 0,
        subscribers: [],
      },
    });
  });

  it('carries ids and media untouched', async () => {
    const bus = new MessageBus();
    const received: BusMessage[] = [];
    bus.inbound.subscribe((incoming) => {
      received.push(incoming);
    });
    const sent: BusMessage = {
      ...message(''),
      id: 'telegram:42',
      media: [{ kind: 'image', url: 'https://example.com/cat.png', mimeType: 'image/png' }],
    };

    await bus.inbound.publish(sent);
    await bus.inbound.idle();

    expect(received).toEqual([sent]);
    expect(received[0]).toBe(sent);
  });
});
