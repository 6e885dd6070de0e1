; What happens inside function bodies, in source order: calls (and what their result is stored
; in), returns, gotos and labels, blocks and if statements. The resource checks replay these to
; see what init acquires, what exit releases, and what each error path leaves behind.
(call_expression function: (identifier) @call.name arguments: (argument_list) @call.arguments) @call

(assignment_expression left: (_) @assign.target right: (call_expression) @assign.value)
(init_declarator declarator: (_) @assign.target value: (call_expression) @assign.value)

(return_statement) @return
(goto_statement label: (statement_identifier) @goto.label) @goto
(labeled_statement label: (statement_identifier) @label.name) @label
(compound_statement) @block
(if_statement condition: (_) @if.condition consequence: (_) @if.consequence) @if
