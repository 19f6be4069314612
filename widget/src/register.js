// Locale bundles and the scripts that need them meet on one global: each
// locale bundle (built by widget.go from locales/<lang>.js) registers its
// string table here when its <script> runs.

// registry returns the language -> string table map.
export function registry() {
  return self.__parleyI18n || (self.__parleyI18n = {});
}

// register records the string table of one language.
export function register(lang, table) {
  registry()[lang] = table;
}
