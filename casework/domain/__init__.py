"""The case model and its rules, without SQL: cases, events, parties, documents and actors as
typed values, the one step that moves a case (register, advance, record a document), the checks
it makes and the policy of who may read, write and reveal."""
