from aura_edge.cli import main

main()
