/** The detail page of a collection (static export: the name is in the query string). */
export function collectionHref(name: string): string {
  return `/collections/detail/?name=${encodeURIComponent(name)}`;
}
