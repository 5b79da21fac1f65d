/** The detail page of a collection (static export: the name is in the query string). */
export function collectionHref(name: string): string {
  return `/collections/detail/?name=${encodeURIComponent(name)}`;
}

/** The page importing vectors from a file into a collection. */
export function importHref(name: string): string {
  return `/collections/import/?name=${encodeURIComponent(name)}`;
}
