from cubakg.cli import main

main()
