; Includes, and object-like macros whose value the analysis may need (e.g. `#define DRV_LICENSE "GPL"`).
(preproc_include path: (string_literal) @include.local) @include
(preproc_include path: (system_lib_string) @include.system) @include
(preproc_def name: (identifier) @define.name value: (preproc_arg) @define.value) @define
