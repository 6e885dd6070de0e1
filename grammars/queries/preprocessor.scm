; Includes, and the macros a file defines: object-like ones with their value (the analysis may need
; it, e.g. `#define DRV_LICENSE "GPL"`), function-like ones with their parameters and body.
(preproc_include path: (string_literal) @include.local) @include
(preproc_include path: (system_lib_string) @include.system) @include
(preproc_def name: (identifier) @define.name value: (preproc_arg)? @define.value) @define
(preproc_function_def name: (identifier) @macro.name parameters: (preproc_params) @macro.parameters value: (preproc_arg)? @macro.value) @macro
