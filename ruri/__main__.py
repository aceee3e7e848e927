from ruri.cli import main

main()
