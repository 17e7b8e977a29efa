/** What kind of attachment a {@link BusMedia} is. */
export type BusMediaKind = 'image' | 'audio' | 'video' | 'file';

/** One attachment of a {@link BusMessage}; the bus carries it by reference and never reads it. */
export interface BusMedia {
  /** What the attachment is, so a channel can pick how to render or upload it. */
  kind: BusMediaKind;
  /** Where the content can be fetched: an `https:` URL, a `data:` URL or a channel file URL. */
  url: string;
  /** The content type, e.g. `'image/png'`, when the sender knows it. */
  mimeType?: string;
  /** A display file name, e.g. `'report.pdf'`. */
  name?: string;
  /** The content length in bytes, when the sender knows it. */
  sizeBytes?: number;
}
