/**
 * Where artifacts were read, when that says more than their recorded URI: a mapped local
 * folder or a store's endpoint. Null when it is the URI itself, or the same path as a file: URI.
 */
export function readFromNote(uri: string | null | undefined, location: string | null | undefined): string | null {
  if (!location || !uri || location === uri) return null
  return uri.startsWith('file:') && decodeURIComponent(uri.replace(/^file:(\/\/)?/, '')) === location ? null : location
}
