; Enumeration constants: names a header makes visible without a #define.
(enumerator name: (identifier) @enumerator)
