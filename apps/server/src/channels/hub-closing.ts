/** An inbound message arrived while the server was shutting down; it was not accepted. */
export class HubClosing extends Error {
  constructor() {
    super('the server is shutting down');
    this.name = 'HubClosing';
  }
}
