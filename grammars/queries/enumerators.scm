; Names a header makes visible without a #define: enumeration constants and typedef names.
(enumerator name: (identifier) @enumerator)
(type_definition declarator: (_) @typedef)
