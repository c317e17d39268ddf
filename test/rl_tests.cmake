# The learner's tests (link libtorch through psrl). Every libtorch test lives
# in the one process test_rl (libtorch costs ~0.5 s to start); train_cli runs
# `powersched train` end to end. Label "rl": not rerun under ASan, except
# test_rl ("unit" too): the learner's C loops (Adam, kernels, the hand-written
# backward) run there in a few seconds.
add_executable(test_rl test_rl.c)
target_link_libraries(test_rl PRIVATE psrl)
add_test(NAME test_rl COMMAND test_rl ${PS_SHARED})
set_tests_properties(test_rl PROPERTIES LABELS "rl;unit" SKIP_RETURN_CODE 77)

# tb_dump prints event files through the tests' own reader (tb_reader.h), so
# train_cli can compare them with the CSV logs.
add_executable(tb_dump tb_dump.c)
add_test(NAME train_cli
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/train_test.sh $<TARGET_FILE:powersched> ${CMAKE_CURRENT_BINARY_DIR}/train_out
          $<TARGET_FILE:tb_dump>)
set_tests_properties(train_cli PROPERTIES LABELS "rl")

# The policy comparison (several policies on one timeline; links psrl for the model row).
add_executable(test_compare test_compare.c)
target_link_libraries(test_compare PRIVATE psrl)
add_test(NAME test_compare COMMAND test_compare ${PS_SHARED})
set_tests_properties(test_compare PROPERTIES LABELS "rl")

# What loading and resuming believe of a checkpoint and its session (issue 13
# item 6): crafted config/progress values, tensor sets, stray and temp files
# in the models folder, CSV rows past the checkpoint resumed.
add_executable(test_checkpoint_guard test_checkpoint_guard.c)
target_link_libraries(test_checkpoint_guard PRIVATE psrl)
add_test(NAME test_checkpoint_guard COMMAND test_checkpoint_guard)
set_tests_properties(test_checkpoint_guard PROPERTIES LABELS "rl")
