module cordwain

go 1.26.0
